"""A small clock that enqueues the periodic jobs for the db_worker to run.

Jobs: the SLA scan (every --every s), the notification outbox sweep (every --outbox-every s,
minyi/notify/services.py) and the 跟踪督办 reminders (every --tracking-every s,
minyi/orders/services/tracking.py: before the plan date and once it has passed, each once), the
码上找代表 reminders (every --mashang-every s, minyi/mashang/services/reminders.py) and the
daily scrub of messages past their retention (minyi/mashang/services/retention.py), and hourly
last month's report while it has none (minyi/ledger/reports/services.py), and every minute the
duplicate check's index (minyi/intake/services.py). Run one
scheduler beside one or more ``db_worker`` processes. The jobs
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

from minyi.clues.tasks import clue_proposals_task
from minyi.core.heartbeats import Heartbeat
from minyi.core.models import ProcessKind
from minyi.core.reconnect import DATABASE_OUTAGE, Reconnect
from minyi.core.tasks import housekeeping_task
from minyi.hints.tasks import hints_train_task
from minyi.intake.tasks import intake_catch_up_task
from minyi.ledger.reports.tasks import monthly_reports_task
from minyi.ledger.tasks import exports_sweep_task
from minyi.mashang.tasks import messages_remind_task, messages_scrub_task
from minyi.notify.tasks import outbox_sweep_task  # notify: the outbox sweep, beside the scan
from minyi.orders.tasks import sla_scan_task, tracking_scan_task
from minyi.suggestions.tasks import suggestion_deadlines_task

# (task, name for the log, interval in seconds)
Job = tuple[object, str, float]


class Scheduler:
    """The loop: each turn writes the heartbeat and enqueues the jobs that are due; a database
    error (PostgreSQL restarting) must not end the only scheduler, so the turn is given up, the
    loop waits (minyi/core/reconnect.py) and carries on. A job that could not be enqueued stays
    due and is enqueued on the next turn."""

    def __init__(self, jobs: list[Job], *, write=print):
        self.jobs, self.write = jobs, write
        self.due = [time.monotonic()] * len(jobs)
        self.stopping = False
        self.heartbeat = Heartbeat(
            kind=ProcessKind.SCHEDULER, name=f"{socket.gethostname()}:{os.getpid()}"
        )
        self.reconnect = Reconnect("scheduler", sleep=self.pause)

    def stop(self, *_) -> None:
        self.stopping = True

    def pause(self, seconds: float) -> None:
        """Sleep, but wake within a second of SIGTERM."""
        end = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(1.0, max(0.0, end - time.monotonic())))

    def turn(self) -> None:
        self.heartbeat.beat(force=self.reconnect.failing)  # after a failure: probe the database
        for i, (job, name, interval) in enumerate(self.jobs):
            if time.monotonic() >= self.due[i]:
                result = job.enqueue()
                self.write(f"enqueued {name} {result.id}")
                self.due[i] = time.monotonic() + interval
        close_old_connections()  # the next turn starts on a checked connection

    def run(self, *, once: bool = False) -> None:
        while not self.stopping:
            try:
                self.turn()
            except DATABASE_OUTAGE as exc:
                if once:
                    raise
                self.reconnect.failed(exc)
                continue
            self.reconnect.recovered()
            if once:
                return
            # wake for the next job, and at least every second for the heartbeat
            self.pause(min(1.0, max(0.0, min(self.due) - time.monotonic())))


class Command(BaseCommand):
    help = (
        "定时任务：每隔 --every 秒把 SLA 扫描、每隔 --outbox-every 秒把发件箱补发、"
        "每隔 --tracking-every 秒把跟踪督办到期提醒、每隔 --mashang-every 秒把选民留言超期提醒"
        "加入后台队列（由 db_worker 执行）；每天清除超过保存期限的选民留言个人信息和工作台账导出文件；"
        "每小时检查上月月度报告，尚未生成则生成（北京时间每月 1 日起）；每小时扫描代表建议答复期限（临期、逾期预警）；"
        "每 10 分钟为线索库找相似的新工单；每分钟补全重复诉求检索的索引；"
        "每隔 --hints-every 秒重新训练派单提示模型。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=300, help="SLA 扫描间隔（秒），默认 300")
        parser.add_argument("--once", action="store_true", help="只加入一次后退出")
        parser.add_argument(
            "--outbox-every", type=int, default=30, help="消息发件箱补发间隔（秒），默认 30"
        )
        parser.add_argument(
            "--tracking-every",
            type=int,
            default=3600,
            help="跟踪督办到期提醒间隔（秒），默认 3600",
        )
        parser.add_argument(
            "--hints-every",
            type=int,
            default=24 * 3600,
            help="派单提示模型重新训练间隔（秒），默认 86400（每天）",
        )
        parser.add_argument(
            "--mashang-every",
            type=int,
            default=3600,
            help="选民留言超期提醒间隔（秒），默认 3600",
        )

    def handle(
        self,
        *args,
        every: int,
        once: bool,
        outbox_every: int,
        tracking_every: int,
        mashang_every: int,
        hints_every: int = 24 * 3600,
        **options,
    ):
        scheduler = Scheduler(
            [
                (sla_scan_task, "sla_scan", every),
                (outbox_sweep_task, "outbox_sweep", outbox_every),
                (tracking_scan_task, "tracking_scan", tracking_every),
                (messages_remind_task, "messages_remind", mashang_every),
                (messages_scrub_task, "messages_scrub", 24 * 3600),
                # offered daily; it runs once per calendar month (HousekeepingRun)
                (housekeeping_task, "housekeeping", 24 * 3600),
                # the ledger's export files older than 7 days
                (exports_sweep_task, "exports_sweep", 24 * 3600),
                # offered hourly; it generates last month's report (Beijing time) only while it
                # has none, so on the 1st, and after a downtime it catches up
                (monthly_reports_task, "monthly_reports", 3600),
                # 代表建议's reply deadlines: 临期 and 逾期 warnings (Beijing dates)
                (suggestion_deadlines_task, "suggestion_deadlines", 3600),
                # 线索库: new orders like an open clue, proposed for linking (minyi/clues)
                (clue_proposals_task, "clue_proposals", 600),
                # the duplicate check's index (minyi/intake): the orders of every channel since
                # the last run; the search reads the few newer ones directly meanwhile
                (intake_catch_up_task, "intake_catch_up", 60),
                # the routing hints' models, retrained on the latest dispatched orders
                (hints_train_task, "hints_train", hints_every),
            ],
            write=self.stdout.write,
        )
        signal.signal(signal.SIGTERM, scheduler.stop)
        signal.signal(signal.SIGINT, scheduler.stop)
        scheduler.run(once=once)
