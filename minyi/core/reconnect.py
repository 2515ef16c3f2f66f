"""How a long-running process (db_worker, scheduler) rides out a database outage.

Its loop catches ``DATABASE_OUTAGE`` and calls ``Reconnect.failed``: every connection of the
process is closed (a dead one must not be reused; the pool replaces it), the outage is logged
once with the error's class and first line only (database errors of these classes carry no row
data, and nothing else is logged), then the loop waits 1 s, 2 s, 4 s … at most
``DB_RETRY_MAX_SECONDS`` and carries on. ``Reconnect.recovered`` logs the way back.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger("minyi.reconnect")

# What a loop catches: any error of these classes *may* be an outage; ``is_database_outage``
# decides. Django's wrappers, and psycopg's own classes for what the connection pool raises
# outside Django's wrapper.
DATABASE_OUTAGE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
try:
    import psycopg

    DATABASE_OUTAGE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover - an SQLite-only install
    psycopg = None

# PostgreSQL's SQLSTATEs for "the server is not there for you": class 08 (connection exception),
# shutting down or starting up (57P01–57P05), too many connections (53300). A cancelled query
# (57014), a deadlock (40P01) or a bad regular expression (2201B) are answers, not outages.
PG_OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "57P04", "57P05", "53300"})
# SQLite's: the file cannot be opened or read, or another process holds it too long.
SQLITE_OUTAGE_WORDS = ("unable to open", "disk i/o", "is locked")


def _verdict(exc: BaseException) -> bool | None:
    """True or False when ``exc`` is a database driver's error; None to look at its cause."""
    if psycopg is not None and isinstance(exc, psycopg.Error):
        if isinstance(exc, psycopg.InterfaceError):
            return True
        if isinstance(exc, psycopg.OperationalError):  # no SQLSTATE: refused, lost, pool timeout
            state = exc.sqlstate
            return state is None or state.startswith("08") or state in PG_OUTAGE_STATES
        return False
    if isinstance(exc, sqlite3.Error):
        message = str(exc).lower()
        return isinstance(exc, sqlite3.OperationalError) and any(
            words in message for words in SQLITE_OUTAGE_WORDS
        )
    if isinstance(exc, DATABASE_OUTAGE):
        # Django's wrapper says what the driver said; raised by Django itself ("connection
        # already closed"), it has no driver's error behind it and is an outage.
        return None if exc.__cause__ is not None else True
    return None


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc``, or what caused it, is a failure to reach the database (the one test:
    the workers' retry, the 503 of pages and API, and /readyz all ask it). An error the
    database answered a bad query with is not one: it stays a bug (500), never "try later"."""
    seen = 0
    while exc is not None and seen < 10:
        verdict = _verdict(exc)
        if verdict is not None:
            return verdict
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def describe(exc: BaseException) -> str:
    """The error's class and first line, at most 200 characters."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DATABASE_OUTAGE:  # closing a dead connection may complain; it is gone either way
            pass


class Reconnect:
    def __init__(
        self,
        process: str,
        *,
        first: float = 1.0,
        most: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.process = process
        self.first = first
        self.most = settings.MINYI["DB_RETRY_MAX_SECONDS"] if most is None else most
        self.sleep = sleep
        self.failures = 0
        self.since: float | None = None

    def delay(self) -> float:
        """The wait after the current failure: doubling from ``first``, at most ``most``."""
        return min(self.most, self.first * 2 ** (self.failures - 1))

    def failed(self, exc: BaseException) -> float:
        """Close the connections, log, wait. Returns the wait in seconds. An error of an
        outage's class that is not one (a query the database refused) is raised again."""
        if not is_database_outage(exc):
            raise exc
        self.failures += 1
        if self.since is None:
            self.since = time.monotonic()
        close_connections()
        wait = self.delay()
        log.warning(
            "%s: database unavailable (%s); attempt %d, retrying in %.0f s",
            self.process,
            describe(exc),
            self.failures,
            wait,
        )
        self.sleep(wait)
        return wait

    @property
    def failing(self) -> bool:
        """Whether the last turn failed: the next turn should probe the database."""
        return self.failures > 0

    def recovered(self) -> None:
        """Call after a turn of the loop that reached the database."""
        if self.failures:
            log.info(
                "%s: database reachable again after %.0f s (%d failed attempts)",
                self.process,
                time.monotonic() - (self.since or time.monotonic()),
                self.failures,
            )
        self.failures, self.since = 0, None
