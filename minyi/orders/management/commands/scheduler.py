"""A small clock that enqueues the periodic jobs for the db_worker to run.

Jobs: the SLA scan (every --every s) and the notification outbox sweep (every --outbox-every s,
minyi/notify/services.py). Run one scheduler beside one or more ``db_worker`` processes. The jobs
themselves are safe to run twice (the SLA scan claims rows with SKIP LOCKED), so a second scheduler would only waste work.

The loop writes the scheduler's heartbeat (minyi/core/heartbeats.py, read by /readyz) and rides
out a database restart: on a database error it closes its connections, waits 1 s, 2 s, 4 s … (at
most ``MINYI_DB_RETRY_MAX_SECONDS``) and carries on (minyi/core/reconnect.py).
"""

from __future__ import annotations

import os
import signal
import socket
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from minyi.core.heartbeats import Heartbeat
from minyi.core.models import ProcessKind
from minyi.core.reconnect import DATABASE_OUTAGE, Reconnect
from minyi.core.tasks import housekeeping_task
from minyi.notify.tasks import outbox_sweep_task  # notify: the outbox sweep, beside the scan
from minyi.orders.tasks import sla_scan_task


class Command(BaseCommand):
    help = "定时任务：每隔 --every 秒把 SLA 扫描、每隔 --outbox-every 秒把发件箱补发加入后台队列（由 db_worker 执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=300, help="SLA 扫描间隔（秒），默认 300")
        parser.add_argument("--once", action="store_true", help="只加入一次后退出")
        parser.add_argument(
            "--outbox-every", type=int, default=30, help="消息发件箱补发间隔（秒），默认 30"
        )

    def handle(self, *args, every: int, once: bool, outbox_every: int, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        def pause(seconds: float) -> None:
            """Sleep, but wake within a second of SIGTERM."""
            end = time.monotonic() + seconds
            while not stopping and time.monotonic() < end:
                time.sleep(min(1.0, max(0.0, end - time.monotonic())))

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs = [
            (sla_scan_task, "sla_scan", every),
            (outbox_sweep_task, "outbox_sweep", outbox_every),
            # offered daily; it runs once per calendar month (HousekeepingRun)
            (housekeeping_task, "housekeeping", 24 * 3600),
        ]
        heartbeat = Heartbeat(
            kind=ProcessKind.SCHEDULER, name=f"{socket.gethostname()}:{os.getpid()}"
        )
        # A database error (PostgreSQL restarting) must not end the only scheduler: wait and
        # carry on; a job that could not be enqueued stays due and is enqueued on the next turn.
        reconnect = Reconnect("scheduler", sleep=pause)
        due = [time.monotonic()] * len(jobs)
        while not stopping:
            try:
                heartbeat.beat(force=reconnect.failing)
                for i, (job, name, interval) in enumerate(jobs):
                    if time.monotonic() >= due[i]:
                        result = job.enqueue()
                        self.stdout.write(f"enqueued {name} {result.id}")
                        due[i] = time.monotonic() + interval
            except DATABASE_OUTAGE as exc:
                if once:
                    raise
                reconnect.failed(exc)
                continue
            reconnect.recovered()
            if once:
                return
            close_old_connections()  # the next turn starts on a checked connection
            # wake for the next job, and at least every second for the heartbeat
            pause(min(1.0, max(0.0, min(due) - time.monotonic())))
