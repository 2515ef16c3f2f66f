"""The scheduler (manage.py scheduler) outlives a database outage: a job it could not enqueue
stays due and is enqueued once the database is back; it beats on every turn."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db.utils import OperationalError

from minyi.core.models import ProcessHeartbeat
from minyi.orders.management.commands.scheduler import Scheduler

pytestmark = pytest.mark.django_db


class FlakyJob:
    """Fails while the database is "down", then enqueues; stops the scheduler after ``last``."""

    def __init__(self, scheduler_box: list, *, down_for: int, last: int):
        self.box, self.down_for, self.last = scheduler_box, down_for, last
        self.calls = 0
        self.enqueued = 0

    def enqueue(self):
        self.calls += 1
        if self.calls <= self.down_for:
            raise OperationalError("the database system is shutting down")
        self.enqueued += 1
        if self.enqueued >= self.last:
            self.box[0].stop()
        return SimpleNamespace(id=f"job-{self.enqueued}")


@pytest.fixture(autouse=True)
def connections_stay_open(monkeypatch):
    """Closing connections would end the test's transaction (real ones: tests/faults/)."""
    monkeypatch.setattr(
        "minyi.orders.management.commands.scheduler.close_old_connections", lambda: None
    )
    monkeypatch.setattr("minyi.core.reconnect.close_connections", lambda: None)


def test_a_database_error_does_not_end_the_scheduler_the_job_is_enqueued_once_it_is_back():
    box, written, waits = [], [], []
    job = FlakyJob(box, down_for=3, last=2)
    scheduler = Scheduler([(job, "outbox_sweep", 0)], write=written.append)
    box.append(scheduler)
    scheduler.reconnect.sleep = waits.append
    scheduler.pause = lambda seconds: None

    scheduler.run()

    assert waits == [1, 2, 4]  # bounded backoff while it was down
    assert written == ["enqueued outbox_sweep job-1", "enqueued outbox_sweep job-2"]
    assert ProcessHeartbeat.objects.get().kind == "scheduler"


def test_with_once_a_database_error_is_an_error():
    box = []
    scheduler = Scheduler([(FlakyJob(box, down_for=1, last=1), "sla_scan", 0)], write=print)
    box.append(scheduler)

    with pytest.raises(OperationalError):
        scheduler.run(once=True)
