"""A small clock that enqueues the periodic jobs for the db_worker to run.

Run one scheduler beside one or more ``db_worker`` processes. The jobs themselves are safe to
run twice (the SLA scan claims rows with SKIP LOCKED), so a second scheduler would only waste work.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from minyi.orders.tasks import sla_scan_task


class Command(BaseCommand):
    help = "定时任务：每隔 --every 秒把 SLA 扫描加入后台队列（由 db_worker 执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=300, help="SLA 扫描间隔（秒），默认 300")
        parser.add_argument("--once", action="store_true", help="只加入一次后退出")

    def handle(self, *args, every: int, once: bool, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            result = sla_scan_task.enqueue()
            self.stdout.write(f"enqueued sla_scan {result.id}")
            if once:
                return
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(1)
