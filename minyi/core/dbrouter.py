"""Reads of the read-heavy pages on a PostgreSQL replica (docs/deploy.md, "A province").

The replica is optional: ``DATABASE_REPLICA_URL`` adds the alias ``replica``. Reads go there only
inside ``reading_from_replica()`` (a context manager and a view decorator), which the ledger page,
its exports and the statistics pages use: they read a lot, write nothing that they read back, and
a second or so of replication lag changes nothing a reader could notice. Everything else — every
write, every read outside the context, and any read inside a transaction on the primary (it may
need to see its own writes) — stays on ``default``. Without the alias nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# A ContextVar, not a thread-local: under ASGI the sync view runs in a worker thread that
# asgiref gives the caller's context, and a reused thread must not keep an earlier request's flag.
_on_replica: ContextVar[bool] = ContextVar("minyi_reads_on_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Inside, the ORM's reads go to the replica when one is configured."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view decorator: the view's reads (its template rendering included) on the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads inside ``reading_from_replica()`` to the replica, the rest to
    ``default``; the replica is never migrated (it is a copy of the primary)."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _on_replica.get() or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # the same rows on both aliases: an object read from the replica may point at one of
        # the primary's
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db == REPLICA else None
