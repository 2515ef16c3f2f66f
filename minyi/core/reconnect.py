"""How a long-running process (db_worker, scheduler) rides out a database outage.

Its loop catches ``DATABASE_OUTAGE`` and calls ``Reconnect.failed``: every connection of the
process is closed (a dead one must not be reused; the pool replaces it), the outage is logged
once with the error's class and first line only (database errors of these classes carry no row
data, and nothing else is logged), then the loop waits 1 s, 2 s, 4 s … at most
``DB_RETRY_MAX_SECONDS`` and carries on. ``Reconnect.recovered`` logs the way back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger("minyi.reconnect")

# Connection lost, refused, server shutting down or starting up, pool timeout (OperationalError);
# a connection used after it was closed (InterfaceError). Anything else is a bug, not an outage.
# psycopg's own classes too, for what the connection pool raises outside Django's wrapper.
DATABASE_OUTAGE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
try:
    import psycopg

    DATABASE_OUTAGE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover - an SQLite-only install
    pass


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc``, or what caused it, is a failure to reach the database (the one test:
    the workers' retry, the 503 of pages and API, and /readyz all ask it)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DATABASE_OUTAGE):
            return True
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
        """Close the connections, log, wait. Returns the wait in seconds."""
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
