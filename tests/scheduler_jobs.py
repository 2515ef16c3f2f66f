"""What the scheduler command offers: its jobs and their intervals, without running it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def scheduler_jobs(monkeypatch) -> dict[str, float]:
    """``manage.py scheduler --once`` with its loop stopped: job name -> interval in seconds."""
    from minyi.orders.management.commands import scheduler

    jobs: dict[str, float] = {}

    class Captured(scheduler.Scheduler):
        def __init__(self, given, **kwargs):
            jobs.update({name: interval for _, name, interval in given})
            super().__init__(given, **kwargs)

        def run(self, *, once=False):
            return None

    monkeypatch.setattr(scheduler, "Scheduler", Captured)
    call_command("scheduler", "--once", stdout=StringIO())
    return jobs
