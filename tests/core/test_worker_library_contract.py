"""Our db_worker (minyi/core/worker.py, minyi/core/management/commands/db_worker.py) replaces the
loop of django-tasks-db's ``Worker.run`` and the body of its command's ``handle`` with copies
that add the heartbeat and the outage handling, and uses a few of the library's internals.

These tests trip when an upgrade changes any of that: then read the library's new ``Worker.run``
and ``Command.handle``, carry the change over to ours, and record the new digests here.
"""

from __future__ import annotations

import hashlib
import inspect

from django_tasks_db import utils
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

# sha256 of the source, first 16 hex digits (django-tasks-db 0.13.0)
MIRRORED = {
    "Worker.run": (library.Worker.run, "99b3cb9412f20cf9"),
    "Command.handle": (library.Command.handle, "f4126866e4196170"),
    "Worker.__init__": (library.Worker.__init__, "91acacbb9ed228dc"),
}


def digest(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def test_the_library_code_our_worker_mirrors_has_not_changed():
    changed = {name for name, (function, known) in MIRRORED.items() if digest(function) != known}

    assert not changed, (
        f"django-tasks-db changed {sorted(changed)}: compare with minyi/core/worker.py and "
        "minyi/core/management/commands/db_worker.py, update them, then the digests here"
    )


def test_the_library_internals_our_worker_uses_are_still_there():
    worker = library.Worker(
        queue_names=["default"],
        interval=1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w",
        excluded_queue_names=[],
    )
    for attribute in (
        "queue_names",
        "process_all_queues",
        "excluded_queue_names",
        "interval",
        "batch",
        "backend_name",
        "startup_delay",
        "max_tasks",
        "worker_id",
        "running",
    ):
        assert hasattr(worker, attribute), attribute
    for method in ("run_task", "configure_signals", "shutdown"):
        assert callable(getattr(worker, method)), method
    assert callable(library.Command.configure_logging)
    for method in ("ready", "get_locked"):
        assert callable(getattr(DBTaskResultQuerySet, method)), method
    for method in ("claim", "set_failed", "set_successful"):
        assert callable(getattr(DBTaskResult, method)), method
    assert callable(utils.exclusive_transaction) and callable(utils.is_locked_database_exception)
    assert TaskResultStatus.RUNNING == "RUNNING"
