"""The monthly report without anyone pressing a button: the scheduler's hourly task makes last
month's report (Beijing time) once, and ``manage.py monthly_report --month`` makes any month."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minyi.core import clock
from minyi.ledger.models import MonthlyReport, ReportEvent, ReportState
from minyi.ledger.reports.services import monthly_reports_catch_up
from minyi.ledger.reports.tasks import monthly_reports_task
from minyi.orders.models import Channel
from tests.factories import DeputyFactory, at, make_order
from tests.scheduler_jobs import scheduler_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(dept_a):
    make_order(
        "archived",
        at=at(2026, 11, 3, 9),
        lead=dept_a,
        channel=Channel.DEPUTY_CALL,
        deputy=DeputyFactory(name="谭萍"),
    )


def test_on_the_first_in_beijing_it_generates_november_once(november):
    # 2026-12-01 00:30 in Beijing is still 30 November in UTC
    with clock.frozen(at(2026, 12, 1, 0, 30)):
        first = monthly_reports_catch_up()
        second = monthly_reports_catch_up()

    assert first.month.isoformat() == "2026-11-01" and first.state == ReportState.READY
    assert second is None
    assert ReportEvent.objects.filter(kind="generated").count() == 1


def test_late_on_the_last_day_it_does_not_generate_the_month_still_running(november):
    with clock.frozen(at(2026, 11, 30, 23, 30)):
        report = monthly_reports_catch_up()

    assert report.month.isoformat() == "2026-10-01"  # October's, which was missing
    assert not MonthlyReport.objects.filter(month="2026-11-01").exists()


def test_after_a_downtime_it_catches_up(november):
    with clock.frozen(at(2026, 12, 9, 14)):
        result = monthly_reports_task.call()

    assert result == "generated 2026-11"
    with clock.frozen(at(2026, 12, 9, 15)):
        assert monthly_reports_task.call() == "last month's report exists"


def test_the_scheduler_offers_the_task_hourly(monkeypatch):
    jobs = scheduler_jobs(monkeypatch)

    assert jobs["monthly_reports"] == 3600


def test_the_command_generates_and_prints_where_the_files_are(november):
    out = StringIO()
    with clock.frozen(at(2026, 12, 2, 9)):
        call_command("monthly_report", "--month", "2026-11", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "2026年11月人大代表履职工作月度报告已生成：登记 1 件，办结 1 件。"
    xlsx, pdf = Path(lines[1].removeprefix("xlsx: ")), Path(lines[2].removeprefix("pdf: "))
    assert xlsx.suffix == ".xlsx" and xlsx.exists()
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert MonthlyReport.objects.get().state == ReportState.READY


@pytest.mark.parametrize(
    "month, words",
    [
        ("2026-12", "2026年12月尚未结束"),
        ("2026-13", "月份格式应为 YYYY-MM"),
        ("11/2026", "YYYY-MM"),
    ],
)
def test_the_command_refuses_a_bad_or_unfinished_month_in_chinese(month, words):
    with clock.frozen(at(2026, 12, 2, 9)), pytest.raises(CommandError, match=words):
        call_command("monthly_report", "--month", month, stdout=StringIO())
