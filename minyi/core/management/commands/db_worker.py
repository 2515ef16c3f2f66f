"""``manage.py db_worker``: django-tasks-db's command, same options, with our worker
(minyi/core/worker.py): it survives a database restart and writes a heartbeat.

``minyi.core`` is listed before ``django_tasks_db`` in INSTALLED_APPS, so this command is the
one ``manage.py db_worker`` runs.
"""

from __future__ import annotations

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as library

from minyi.core.worker import ResilientWorker


class Command(library.Command):
    help = "运行后台任务（django-tasks-db 的 db_worker）：写心跳；数据库断开后等待重连并自动恢复。"

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        # the library's handle(), building our worker instead of its own
        self.configure_logging(verbosity)
        if reload and batch:
            library.logger.warning("--reload and --batch cannot be used together: not reloading.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process, as the library does
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
