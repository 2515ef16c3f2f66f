"""Heartbeats of the background processes: each db_worker and the scheduler rewrite their own
row from inside their loop, so a beat means the loop itself is turning (a thread that died
while the process lives on stops beating). /readyz reads them (minyi/core/readiness.py).

A beat is one statement (``INSERT … ON CONFLICT DO UPDATE``) and is written at most every
``HEARTBEAT_SECONDS``. Times are the wall clock (``timezone.now()``), not ``clock.now()``: a
beat says when the process was last alive, whatever moment a service is replaying.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from minyi.core.models import ProcessHeartbeat

# rows of processes that stopped beating this long ago are removed when a process starts
FORGET_AFTER = timedelta(days=7)


def heartbeat_record(*, kind: str, name: str, started_at) -> None:
    """Write this process's beat (one upsert)."""
    ProcessHeartbeat.objects.bulk_create(
        [
            ProcessHeartbeat(
                kind=kind,
                name=name,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=started_at,
                beat_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["kind", "name"],
        update_fields=["host", "pid", "started_at", "beat_at"],
    )


def heartbeats_forget_stale(*, kind: str) -> int:
    """Remove the rows of processes of ``kind`` that stopped long ago (restarts leave one row
    each). Returns how many."""
    cutoff = timezone.now() - FORGET_AFTER
    return ProcessHeartbeat.objects.filter(kind=kind, beat_at__lt=cutoff).delete()[0]


class Heartbeat:
    """A process's heartbeat: ``beat()`` on every turn of its loop writes at most every
    ``every`` seconds. A failed write raises the database error to the loop (which waits and
    retries, minyi/core/reconnect.py) and is tried again on the next turn."""

    def __init__(self, *, kind: str, name: str, every: float | None = None):
        self.kind, self.name = kind, name[:100]
        self.every = settings.MINYI["HEARTBEAT_SECONDS"] if every is None else every
        self.started_at = timezone.now()
        self._last: float | None = None
        self._forgotten = False

    def beat(self, *, force: bool = False) -> bool:
        """Write the beat if it is due (or ``force``: the loop probes a database it lost).
        Returns whether it wrote."""
        now = time.monotonic()
        if not force and self._last is not None and now - self._last < self.every:
            return False
        if not self._forgotten:
            heartbeats_forget_stale(kind=self.kind)
            self._forgotten = True
        heartbeat_record(kind=self.kind, name=self.name, started_at=self.started_at)
        self._last = now
        return True
