"""Two generations of one month at the same moment (the scheduler on two machines, or the
scheduler and a button), each on its own connection: one report row, one generation (PostgreSQL
row locks; skipped on SQLite, which serialises)."""

from __future__ import annotations

import pytest

from minyi.ledger.models import MonthlyReport, ReportEvent, ReportState
from minyi.ledger.reports.services import monthly_reports_catch_up
from minyi.orders.models import Channel
from tests.factories import DeputyFactory, at, make_order
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_schedulers_at_once_generate_last_month_once(dept_a):
    # run_together runs at 2026-03-02 10:00 Beijing: last month is February
    make_order(
        "archived",
        at=at(2026, 2, 10, 9),
        lead=dept_a,
        channel=Channel.DEPUTY_CALL,
        deputy=DeputyFactory(name="谭萍"),
    )

    results = run_together(monthly_reports_catch_up, monthly_reports_catch_up)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(value is None for _, value in results) == [False, True]
    report = MonthlyReport.objects.get()
    assert report.month.isoformat() == "2026-02-01" and report.state == ReportState.READY
    assert report.summary["totals"]["orders"] == 1
    assert ReportEvent.objects.filter(kind="generated").count() == 1
