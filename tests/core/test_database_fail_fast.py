"""PostgreSQL settings that make a request fail within seconds while the database is away and
recover by itself after a restart (minyi/settings.py, README "Production deployment")."""

from __future__ import annotations

import pytest
from django.db.utils import ConnectionHandler
from psycopg_pool import ConnectionPool

from minyi import settings as minyi_settings

URL = "postgres://minyi@db.example:5432/minyi"


@pytest.fixture
def postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", URL)
    for name in ("DB_CONNECT_TIMEOUT", "DB_POOL_TIMEOUT", "DB_POOL_CHECK", "DB_POOL_MAX"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def pool_of(config: dict) -> ConnectionPool:
    """The pool Django builds from ``config`` (not opened: nothing connects)."""
    # its own alias: Django keeps one pool per alias, and "default" is the suite's own
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.dummy"}, "probe": config}
    )
    wrapper = handler["probe"]
    try:
        return wrapper.pool
    finally:
        wrapper.close_pool()


def test_by_default_connecting_gives_up_after_3_s_and_a_request_waits_5_s_at_most(postgres):
    config = minyi_settings._database(URL)

    assert config["OPTIONS"]["connect_timeout"] == 3
    assert config["OPTIONS"]["pool"]["timeout"] == 5
    pool = pool_of(config)
    assert pool.timeout == 5
    assert pool.kwargs["connect_timeout"] == 3


def test_the_pool_checks_each_connection_it_hands_out(postgres):
    pool = pool_of(minyi_settings._database(URL))

    # a connection that died with a database restart is replaced, not given to a request
    assert pool._check == ConnectionPool.check_connection


def test_the_pool_retries_a_lost_database_at_least_every_10_s(postgres):
    assert pool_of(minyi_settings._database(URL)).reconnect_timeout == 10


def test_the_timeouts_and_the_check_are_settings(postgres):
    postgres.setenv("DB_CONNECT_TIMEOUT", "1")
    postgres.setenv("DB_POOL_TIMEOUT", "2")
    postgres.setenv("DB_POOL_CHECK", "0")

    config = minyi_settings._database(URL)

    assert config["OPTIONS"]["connect_timeout"] == 1
    assert pool_of(config).timeout == 2
    assert pool_of(config)._check is None


def test_without_the_pool_the_connect_timeout_and_the_check_still_hold(postgres):
    postgres.setenv("DB_POOL_MAX", "0")

    config = minyi_settings._database(URL)

    assert "pool" not in config["OPTIONS"]
    assert config["OPTIONS"]["connect_timeout"] == 3
    assert config["CONN_HEALTH_CHECKS"] is True
