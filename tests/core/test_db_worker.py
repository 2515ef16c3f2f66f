"""`manage.py db_worker` is django-tasks-db's worker that outlives a database outage and beats."""

from __future__ import annotations

import logging
import signal

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from minyi.core.models import ProcessHeartbeat
from minyi.core.worker import ResilientWorker
from minyi.notify.tasks import outbox_sweep_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def connections_stay_open(monkeypatch):
    """The worker closes its connections between turns and after an error; here that would end
    the test's transaction. (Real connections: tests/faults/test_database_restart.py.)"""
    monkeypatch.setattr("minyi.core.worker.close_old_connections", lambda: None)
    monkeypatch.setattr("minyi.core.reconnect.close_connections", lambda: None)


@pytest.fixture
def keep_signal_handlers():
    """The command installs its SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def worker(**options) -> ResilientWorker:
    defaults = dict(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-under-test",
        excluded_queue_names=[],
    )
    w = ResilientWorker(**{**defaults, **options})
    w.waits = []  # the waits it would have slept
    w.reconnect.sleep = w.waits.append
    return w


def status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


def test_manage_py_db_worker_is_ours_with_every_option_of_the_library():
    assert get_commands()["db_worker"] == "minyi.core"
    command = load_command_class("minyi.core", "db_worker")
    assert isinstance(command, library.Command)
    options = {a.dest for a in command.create_parser("manage.py", "db_worker")._actions}
    assert {"interval", "batch", "queue_name", "backend_name", "max_tasks", "worker_id"} <= options


def test_the_worker_runs_what_is_queued_and_writes_its_heartbeat(keep_signal_handlers):
    result = outbox_sweep_task.enqueue()

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "w-42",
        verbosity=0,
    )  # fmt: skip

    assert status(result) == "SUCCESSFUL"
    beat = ProcessHeartbeat.objects.get()
    assert (beat.kind, beat.name) == ("worker", "w-42")


def test_a_database_error_does_not_end_the_worker_it_waits_and_carries_on(monkeypatch):
    result = outbox_sweep_task.enqueue()
    w = worker()
    real_turn, calls = ResilientWorker.turn, []

    def turn(self):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return real_turn(self)

    monkeypatch.setattr(ResilientWorker, "turn", turn)
    w.run()

    assert w.waits == [1]
    assert status(result) == "SUCCESSFUL"


def test_a_task_whose_result_could_not_be_recorded_is_marked_failed_once_the_database_is_back(
    monkeypatch,
):
    result = outbox_sweep_task.enqueue()
    real_set_failed, attempts = DBTaskResult.set_failed, []

    def set_failed(self, exc):
        attempts.append(exc)
        if len(attempts) == 1:  # the database went away while the task ran
            raise OperationalError("server closed the connection unexpectedly")
        return real_set_failed(self, exc)

    def set_successful(self, value):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(DBTaskResult, "set_successful", set_successful)
    monkeypatch.setattr(DBTaskResult, "set_failed", set_failed)
    w = worker()
    w.run()

    assert w.waits == [1]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED"  # not "running" for ever
    assert row.exception_class_path == "django.db.utils.OperationalError"


def test_max_tasks_and_the_queue_filter_behave_as_in_the_library():
    first, second = outbox_sweep_task.enqueue(), outbox_sweep_task.enqueue()

    worker(queue_names=["elsewhere"]).run()
    assert status(first) == status(second) == "READY"

    worker(batch=False, max_tasks=1).run()
    assert sorted([status(first), status(second)]) == ["READY", "SUCCESSFUL"]

    worker().run()
    assert status(first) == status(second) == "SUCCESSFUL"


def test_the_lines_a_task_logs_name_the_task_and_no_request(log_lines, caplog):
    # the library's lines of a task's start and end (a --verbosity 0 run above turns them off)
    caplog.set_level(logging.INFO, logger="django_tasks")
    caplog.set_level(logging.INFO, logger="django_tasks_db")
    result = outbox_sweep_task.enqueue()

    worker().run()

    lines = log_lines()
    started = [line for line in lines if "state=RUNNING" in line["message"]]
    assert started and started[0]["task_id"] == str(result.id)
    assert all(line["request_id"] is None for line in lines)
    assert "task_id" not in next(line for line in lines if "Starting worker" in line["message"])
