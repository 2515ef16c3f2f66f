"""Reference data the write path reads on every order, kept in memory per process.

Time-limit rules (every acceptance and dispatch) and message templates (every message) change a
few times a year, by an administrator; reading them from the database on every order was a
statement each time (issue 13). Each kind is loaded once into a process-wide snapshot and used
until the reference revision (``ReferenceRevision``, one row) changes:

1. Any write to a kept model (``kept_models``: a save or delete of a row, and a queryset's
   ``update``, ``delete``, ``bulk_create``, ``bulk_update`` through ``KeptQuerySet``; and every
   ``migrate``, whose data migrations use historical models) gives the revision a new random
   number in the same transaction and drops this process's snapshots at once and again at
   commit. A random number, not a counter: a rolled-back edit must never share its number with
   a later committed one, or a process that saw the rolled-back data would keep it.
2. Every process looks at the revision at most every ``REFERENCE_RECHECK_SECONDS`` (one indexed
   read of one row) and drops its snapshots when it moved: an edit made in another process (the
   admin's server process; the worker and the scheduler) is in force everywhere within that
   many seconds of its commit, and at once in the process that made it.

The same scheme keeps the working-day calendar (``workdays.calendar``).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

T = TypeVar("T")

_lock = threading.Lock()
_values: dict[str, object] = {}
_revision: int | None = None
_checked_at = 0.0


def _current_revision() -> int:
    from minyi.reference.models import ReferenceRevision

    return ReferenceRevision.objects.values_list("number", flat=True).first() or 0


def snapshot(name: str, load: Callable[[], T]) -> T:
    """The process's copy of ``name`` (``load()`` once, again after a change anywhere)."""
    global _revision, _checked_at
    now = time.monotonic()
    if now - _checked_at >= settings.MINYI["REFERENCE_RECHECK_SECONDS"]:
        with _lock:
            revision = _current_revision()
            if revision != _revision:
                _values.clear()
                _revision = revision
            _checked_at = now
    try:
        return _values[name]  # type: ignore[return-value]
    except KeyError:
        value = load()
        _values[name] = value
        return value


def invalidate() -> None:
    """Forget every snapshot and the revision seen, so the next use reads the database."""
    global _revision, _checked_at
    with _lock:
        _values.clear()
        _revision = None
        _checked_at = 0.0


def revision_bump() -> None:
    """Reference data changed: a new revision for every process, and this one reads again now
    (for the rest of this transaction) and after commit (for the ones after it)."""
    from minyi.reference.models import ReferenceRevision

    ReferenceRevision.objects.update_or_create(pk=1, defaults={"number": secrets.randbits(62)})
    invalidate()
    transaction.on_commit(invalidate, robust=True)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata: the revision row may not be there yet
        return
    revision_bump()


def _migrated(sender, *, using, **kwargs) -> None:
    """After every ``migrate`` (sent once per app; this app's is enough)."""
    from django.db import connections

    from minyi.reference.models import ReferenceRevision

    if sender.name != "minyi.reference":
        return
    if ReferenceRevision._meta.db_table in connections[using].introspection.table_names():
        with transaction.atomic(using=using):
            ReferenceRevision.objects.using(using).update_or_create(
                pk=1, defaults={"number": secrets.randbits(62)}
            )
        invalidate()


class KeptQuerySet(models.QuerySet):
    """The queryset of a kept model: its bulk writes, which send no ``post_save``, bump the
    revision too."""

    def update(self, **kwargs):
        count = super().update(**kwargs)
        revision_bump()
        return count

    def delete(self):
        result = super().delete()  # post_delete is sent per row; once more is harmless
        revision_bump()
        return result

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        revision_bump()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        revision_bump()
        return count


def kept_models() -> list[type]:
    """The models whose rows are kept in snapshots."""
    from minyi.notify.models import MessageTemplate
    from minyi.reference.models import TimeLimitRule

    return [TimeLimitRule, MessageTemplate]


def connect() -> None:
    """Called once at start-up (``ReferenceConfig.ready``). Signals, not calls in each service:
    the admin, the services, the seeds and a shell all save through the model, and a missed
    invalidation would keep a stale rule running for good."""
    for model in kept_models():
        for signal in (post_save, post_delete):
            signal.connect(
                _changed, sender=model, dispatch_uid=f"reference_snapshot_{model.__name__}"
            )
    post_migrate.connect(_migrated, dispatch_uid="reference_snapshot_migrate")
