"""闭会期间代表建议 in the statistics: the block of /work/stats/ for the chosen period, its links to
the suggestions ledger, the departments table, the ``stats`` command's "suggestions" key and
section five of the monthly report's PDF."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command

from minyi.core import clock
from minyi.ledger.models import StatisticsPolicy
from minyi.ledger.reports import services as reports
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_create,
    suggestion_evaluate,
    suggestion_reply,
)
from tests.factories import MONDAY, at
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

JUNE = at(2026, 6, 1, 9)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def late_and_unsatisfied(wang, lin, hana, henry, dept_a, dept_b):
    """Received, accepted and assigned on 2 March (A leads, B assists, a month to reply); B's
    opinion on 10 March; A's reply late on 10 April; 不满意 on 12 April: a second round, due 12
    May, that A has not answered by June."""
    with clock.frozen(MONDAY):
        suggestion = suggestion_create(
            title="老旧小区加装电梯补贴",
            content="内容",
            lead_deputy=wang.deputy,
            actor=wang,
            source="deputy",
        )
        suggestion_accept(suggestion=suggestion, actor=lin)
        suggestion_assign(
            suggestion=suggestion, actor=lin, lead_department=dept_a, assisting=[dept_b], months=1
        )
    with clock.frozen(at(2026, 3, 10, 10)):
        suggestion_reply(suggestion=suggestion, actor=henry, content="协办意见")
    with clock.frozen(at(2026, 4, 10, 10)):
        suggestion_reply(suggestion=suggestion, actor=hana, content="已纳入计划")
    with clock.frozen(at(2026, 4, 12, 10)):
        suggestion_evaluate(
            suggestion=suggestion, actor=wang, evaluation="dissatisfied", note="未落实"
        )
    return suggestion


def _page(client, lin, query):
    sign_in(client, lin)
    with clock.frozen(JUNE):
        return client.get(f"/work/stats/?{query}")


def _figures(response) -> dict:
    return {c["key"]: c["n"] for c in response.context["suggestions"]["counts"]}


def test_the_block_counts_what_happened_to_suggestions_in_the_chosen_month(
    client, lin, late_and_unsatisfied, dept_a, dept_b
):
    march = _page(client, lin, "month=2026-03")
    april = client.get("/work/stats/?month=2026-04")  # still signed in; the clock is real

    assert march.status_code == 200
    assert "闭会期间代表建议" in march.content.decode()
    assert _figures(march) == {
        "received": 1,
        "accepted": 1,
        "not_adopted": 0,
        "returned": 0,
        "assigned": 1,
        "replied": 0,  # B's opinion does not answer the deputy
        "replied_on_time": 0,
        "closed": 0,
    }
    assert _figures(april)["received"] == 0
    assert _figures(april)["replied"] == 1 and _figures(april)["replied_on_time"] == 0
    block = april.context["suggestions"]
    assert block["evaluated"] == 1
    assert {e["key"]: e["n"] for e in block["evaluations"]}["dissatisfied"] == 1
    # one reply and one evaluation are below the minimum sample: 样本不足, as the order rates
    assert [r["value"] for r in block["rates"]] == [None, None]
    assert "样本不足" in april.content.decode()
    by_department = {d["name"]: d for d in march.context["suggestions"]["departments"]}
    assert by_department[dept_a.name]["lead"] == 1 and by_department[dept_b.name]["assist"] == 1
    assert by_department[dept_b.name]["replied"] == 1 and by_department[dept_b.name]["on_time"] == 1


def test_the_rates_read_the_period_once_the_sample_is_enough(client, lin, late_and_unsatisfied):
    StatisticsPolicy.objects.all().delete()
    StatisticsPolicy.objects.create(minimum_sample=1)

    rates = {
        r["key"]: r for r in _page(client, lin, "month=2026-04").context["suggestions"]["rates"]
    }

    assert rates["on_time_reply_rate"]["value"] == 0 and rates["on_time_reply_rate"]["n"] == 1
    assert rates["satisfaction_rate"]["value"] == 0 and rates["satisfaction_rate"]["n"] == 1


def test_the_second_round_past_its_due_date_is_the_lead_departments_overdue(
    client, lin, late_and_unsatisfied, dept_a, dept_b
):
    rows = _page(client, lin, "month=2026-04").context["suggestions"]["departments"]

    overdue = {d["name"]: d["overdue_open"] for d in rows}
    assert overdue == {dept_a.name: 1}  # B assisted: the second round is A's alone


def test_each_count_links_to_the_suggestions_it_counts_in_the_ledger(
    client, lin, late_and_unsatisfied
):
    links = {
        c["key"]: c["url"]
        for c in _page(client, lin, "month=2026-04").context["suggestions"]["counts"]
    }

    assert "figure=replied" in links["replied"] and "date_from=2026-04-01" in links["replied"]
    assert "老旧小区加装电梯补贴" in client.get(links["replied"]).content.decode()
    listed = client.get(links["replied_on_time"]).content.decode()
    assert "老旧小区加装电梯补贴" not in listed and "没有符合条件的代表建议" in listed
    march = client.get(
        "/work/suggestions/ledger/?figure=replied&date_from=2026-03-01&date_to=2026-03-31"
    )
    assert "老旧小区加装电梯补贴" not in march.content.decode()


def test_a_department_user_is_still_refused_the_statistics(client, hana, late_and_unsatisfied):
    sign_in(client, hana)

    assert client.get("/work/stats/?month=2026-04").status_code == 403


def test_the_stats_command_adds_the_suggestions_and_keeps_its_keys(late_and_unsatisfied):
    out = io.StringIO()
    call_command("stats", "--month", "2026-04", stdout=out)
    data = json.loads(out.getvalue())

    assert {"orders", "accepted", "closed", "satisfaction_rate", "period", "channel"} <= set(data)
    assert data["suggestions"]["replied"] == 1 and data["suggestions"]["replied_on_time"] == 0
    assert data["suggestions"]["evaluations"] == {"satisfied": 0, "basically": 0, "dissatisfied": 1}
    assert data["suggestions"]["on_time_reply_rate"] is None  # 样本不足


def test_the_monthly_report_pdf_has_section_five(late_and_unsatisfied):
    with clock.frozen(at(2026, 5, 2, 9)):
        report = reports.report_generate(month=date(2026, 4, 1), actor=None)

    text = subprocess.run(
        ["pdftotext", report.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "五、闭会期间代表建议" in text
    assert "按期答复" in text and "代表评价：不满意" in text
