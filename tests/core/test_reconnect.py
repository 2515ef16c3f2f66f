"""How a background process rides out a database outage: close, wait (bounded), log, carry on."""

from __future__ import annotations

import logging
import sqlite3
from unittest import mock

import psycopg
import psycopg.errors
import pytest
from django.db.utils import InterfaceError, OperationalError

from minyi.core.reconnect import Reconnect, is_database_outage


def test_the_wait_doubles_from_one_second_up_to_the_limit():
    waits = []
    reconnect = Reconnect("db_worker", most=10, sleep=waits.append)

    for _ in range(6):
        reconnect.failed(OperationalError("server closed the connection unexpectedly"))

    assert waits == [1, 2, 4, 8, 10, 10]


def test_the_limit_is_a_setting(settings):
    settings.MINYI = {**settings.MINYI, "DB_RETRY_MAX_SECONDS": 3}

    assert Reconnect("scheduler").most == 3


def test_a_failure_closes_every_connection_so_the_next_turn_opens_a_fresh_one():
    dead, broken = mock.Mock(), mock.Mock()
    broken.close.side_effect = InterfaceError("connection already closed")  # gone either way
    with mock.patch("minyi.core.reconnect.connections.all", return_value=[dead, broken]):
        Reconnect("db_worker", sleep=lambda s: None).failed(
            InterfaceError("connection already closed")
        )

    dead.close.assert_called_once_with()
    broken.close.assert_called_once_with()


def test_the_log_names_the_error_but_no_row_data(caplog):
    error = OperationalError(
        'connection to server at "10.0.0.5", port 5432 failed: Connection refused\n'
        "DETAIL:  Key (requester_phone)=(+8613800138000) already exists."
    )
    with caplog.at_level(logging.WARNING, logger="minyi.reconnect"):
        Reconnect("scheduler", sleep=lambda s: None).failed(error)

    (record,) = caplog.records
    assert record.getMessage() == (
        'scheduler: database unavailable (OperationalError: connection to server at "10.0.0.5", '
        "port 5432 failed: Connection refused); attempt 1, retrying in 1 s"
    )
    assert "138" not in record.getMessage()


def test_the_way_back_is_logged_once_and_the_wait_starts_again_from_one_second(caplog):
    waits = []
    reconnect = Reconnect("db_worker", sleep=waits.append)
    reconnect.failed(OperationalError("the database system is starting up"))
    reconnect.failed(OperationalError("the database system is starting up"))
    assert reconnect.failing

    with caplog.at_level(logging.INFO, logger="minyi.reconnect"):
        reconnect.recovered()
        reconnect.recovered()
    reconnect.failed(OperationalError("terminating connection due to administrator command"))

    assert [r.getMessage()[:40] for r in caplog.records if r.levelno == logging.INFO] == [
        "db_worker: database reachable again afte"
    ]
    assert waits == [1, 2, 1]


def _wrapped(driver_error: BaseException) -> OperationalError:
    """A driver's error as Django raises it: its own class, the driver's error as the cause."""
    try:
        try:
            raise driver_error
        except BaseException as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("unable to open database file"),
        sqlite3.OperationalError("disk I/O error"),
        psycopg.OperationalError("connection failed: Connection refused"),  # no SQLSTATE
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
        psycopg.errors.TooManyConnections("sorry, too many clients already"),
        psycopg.errors.ConnectionFailure("connection failure"),
        psycopg.InterfaceError("the connection is closed"),
    ],
    ids=repr,
)
def test_a_database_that_is_away_busy_or_shutting_down_is_an_outage(error):
    assert is_database_outage(_wrapped(error))


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("no such table: notify_outboxmessage"),
        sqlite3.OperationalError("user-defined function raised exception"),  # a bad regex
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        psycopg.errors.InvalidRegularExpression("invalid regular expression"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
    ],
    ids=repr,
)
def test_an_error_the_database_answered_a_query_with_is_not_an_outage(error):
    assert not is_database_outage(_wrapped(error))


def test_a_loop_does_not_retry_a_query_the_database_refused_it_fails_loudly():
    waits = []
    reconnect = Reconnect("db_worker", sleep=waits.append)
    refused = _wrapped(sqlite3.OperationalError("no such table: notify_outboxmessage"))

    with pytest.raises(OperationalError):
        reconnect.failed(refused)

    assert waits == [] and not reconnect.failing
