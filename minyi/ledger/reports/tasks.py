"""The scheduler's task: last month's report when it has none yet (a thin wrapper, safe to run
again: it does nothing once the report exists)."""

from django_tasks import task

from minyi.core import timefmt
from minyi.ledger.reports.services import monthly_reports_catch_up


@task()
def monthly_reports_task() -> str:
    report = monthly_reports_catch_up()
    if report is None:
        return "last month's report exists"
    return f"generated {timefmt.month_text(report.month)}"
