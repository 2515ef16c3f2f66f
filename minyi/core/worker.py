"""django-tasks-db's worker, made to outlive a database outage and to report a heartbeat.

The library's ``Worker.run`` loop lets any database error other than SQLite's "locked" escape:
after a PostgreSQL restart the process exits (or, under ``--reload``, its working thread dies
while the process stays up) and nothing runs any more. ``ResilientWorker`` keeps the library's
``Worker`` (options, signals, ``run_task``) and replaces only that loop with the same steps,
plus:

1. a heartbeat on every turn (written at most every few seconds, minyi/core/heartbeats.py);
2. a database error in a turn closes the connections, waits with a bounded backoff, logs, and
   the loop carries on (minyi/core/reconnect.py);
3. a task whose result could not be recorded because the database went away is marked failed
   once the database is back (instead of staying "running" for ever). What it was doing is
   safe to run again: the outbox sweep re-sends every message not recorded as sent.

It leans on the library's internals below; ``tests/core/test_worker_library_contract.py``
pins them and trips when an upgrade changes ``Worker.run``, so this loop is reviewed again.
"""

from __future__ import annotations

import logging
import random
import time
from enum import Enum

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from minyi.core import log_context
from minyi.core.heartbeats import Heartbeat
from minyi.core.models import ProcessKind
from minyi.core.reconnect import DATABASE_OUTAGE, Reconnect

logger = logging.getLogger("django_tasks_db")


class Turn(Enum):
    RAN = "ran"  # a task ran
    EMPTY = "empty"  # nothing ready
    LOCKED = "locked"  # SQLite was locked; try again after the interval


class ResilientWorker(Worker):
    def __init__(self, *, heartbeat_every: float | None = None, **options):
        super().__init__(**options)
        self.heartbeat = Heartbeat(
            kind=ProcessKind.WORKER, name=self.worker_id, every=heartbeat_every
        )
        self.reconnect = Reconnect("db_worker")
        self.tasks_run = 0
        self._claimed: DBTaskResult | None = None
        self._unrecorded: tuple[DBTaskResult, BaseException] | None = None

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spread the workers' first polls

        while self.running:
            try:
                self.heartbeat.beat(force=self.reconnect.failing)
                self._record_unrecorded()
                turn = self.turn()
                close_old_connections()  # as the library does between turns
            except DATABASE_OUTAGE as exc:
                if self._claimed is not None:
                    self._unrecorded, self._claimed = (self._claimed, exc), None
                self.reconnect.failed(exc)
                continue
            self.reconnect.recovered()

            if self.batch and turn is Turn.EMPTY:
                logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self.tasks_run >= self.max_tasks:
                logger.info("Ran %d tasks on worker=%s - exiting.", self.tasks_run, self.worker_id)
                return
            if self.running and turn is not Turn.RAN:
                time.sleep(self.interval)

    def turn(self) -> Turn:
        """Claim one ready task and run it (the library's loop body, without the sleep)."""
        close_old_connections()  # after waking up: drop a connection that went bad meanwhile
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)

        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # so no other worker runs it
            except OperationalError as e:
                if is_locked_database_exception(e):
                    return Turn.LOCKED
                raise
        if task_result is None:
            return Turn.EMPTY

        self._claimed = task_result
        with log_context.task(task_result.id):  # the task's log lines name it
            self.run_task(task_result)  # records success or failure itself, unless the db is gone
        self._claimed = None
        self.tasks_run += 1
        return Turn.RAN

    def _record_unrecorded(self) -> None:
        if self._unrecorded is None:
            return
        task_result, exc = self._unrecorded
        task_result.refresh_from_db(fields=["status"])
        if task_result.status == TaskResultStatus.RUNNING:
            task_result.set_failed(exc)
        self._unrecorded = None
