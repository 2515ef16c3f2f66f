"""The monthly report's pages: liaison officers list, generate, read, pick notable cases and
download; department handlers, deputies and the rest are refused."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.ledger.models import MonthlyReport, NotableCase, ReportEvent, ReportState
from minyi.ledger.reports import services
from minyi.notify.models import Notice, OutboxMessage
from minyi.notify.services import outbox_send
from minyi.orders.models import Channel
from tests.factories import DeputyFactory, HandlerFactory, UserFactory, at, keyed, make_order

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)
DECEMBER_2 = at(2026, 12, 2, 9)


@pytest.fixture
def lena(db):
    return UserFactory(username="lena", last_name="林", first_name="娜", role=Role.LIAISON)


@pytest.fixture
def lena_client(client, lena):
    client.force_login(lena)
    return client


@pytest.fixture
def order(dept_a):
    deputy = DeputyFactory(name="谭萍")
    return make_order(
        "archived",
        at=at(2026, 11, 3, 9),
        lead=dept_a,
        channel=Channel.DEPUTY_CALL,
        deputy=deputy,
        title="村道塌方",
    )


def test_the_list_offers_the_generate_form_and_the_nav_link(lena_client):
    with clock.frozen(DECEMBER_2):
        page = lena_client.get("/work/reports/").content.decode()

    assert "生成报告" in page and 'value="2026-11"' in page
    assert 'href="/work/reports/">月度报告</a>' in page


def test_a_liaison_officer_generates_a_past_month_and_reads_it(lena_client, lena, order):
    with clock.frozen(DECEMBER_2):
        response = lena_client.post("/work/reports/generate/", keyed(month="2026-11"))
        assert response.status_code == 302 and response.url == "/work/reports/2026-11/"
        page = lena_client.get("/work/reports/2026-11/").content.decode()

    assert MonthlyReport.objects.get().generated_by == lena
    assert "2026年11月人大代表履职工作月度报告" in page
    assert "市城市管理和综合执法局" in page and "按时签收率" in page
    assert "/work/reports/2026-11.pdf" in page


def test_the_current_month_is_refused_with_a_chinese_message(lena_client):
    with clock.frozen(DECEMBER_2):
        response = lena_client.post("/work/reports/generate/", keyed(month="2026-12"), follow=True)

    assert "2026年12月尚未结束，只能生成已结束月份的报告。" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_a_double_submitted_form_generates_once(lena_client, order):
    body = keyed(month="2026-11")
    with clock.frozen(DECEMBER_2):
        lena_client.post("/work/reports/generate/", body)
        lena_client.post("/work/reports/generate/", body)

    assert ReportEvent.objects.filter(kind="generated").count() == 1


def test_the_downloads_carry_a_chinese_file_name(lena_client, order):
    with clock.frozen(DECEMBER_2):
        services.report_generate(month=NOVEMBER)

    xlsx = lena_client.get("/work/reports/2026-11.xlsx")
    pdf = lena_client.get("/work/reports/2026-11.pdf")

    name = quote("2026年11月人大代表履职工作月度报告.pdf", safe="")
    assert pdf.status_code == 200 and f"filename*=UTF-8''{name}" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert lena_client.get("/work/reports/2026-10.pdf").status_code == 404


@pytest.mark.parametrize("role", [Role.HANDLER, Role.DEPUTY, Role.DISPATCHER, Role.CALLBACK])
def test_other_roles_are_refused(client, role, order):
    with clock.frozen(DECEMBER_2):
        services.report_generate(month=NOVEMBER)
    user = (
        HandlerFactory(username="hana2")
        if role == Role.HANDLER
        else UserFactory(username=f"u-{role}", role=role)
    )
    client.force_login(user)

    for url in ("/work/reports/", "/work/reports/2026-11/", "/work/reports/2026-11.pdf"):
        assert client.get(url).status_code == 403
    assert client.post("/work/reports/generate/", keyed(month="2026-10")).status_code == 403


def test_an_anonymous_visitor_goes_to_sign_in(client):
    assert client.get("/work/reports/2026-11.xlsx").status_code == 302


def test_notable_cases_are_picked_and_removed_with_events_and_written_on_regeneration(
    lena_client, lena, order
):
    with clock.frozen(DECEMBER_2):
        services.report_generate(month=NOVEMBER)
        picked = lena_client.post(
            "/work/reports/2026-11/cases/",
            keyed(number=order.number, note="代表反映及时，部门当天处置"),
            follow=True,
        ).content.decode()
        assert "重新生成后写入报告" in picked
        assert MonthlyReport.objects.get().summary["notable"] == []

        report = services.report_generate(month=NOVEMBER, actor=lena)
        assert [(c["number"], c["note"]) for c in report.summary["notable"]] == [
            (order.number, "代表反映及时，部门当天处置")
        ]
        assert (
            "代表反映及时，部门当天处置"
            in lena_client.get("/work/reports/2026-11/").content.decode()
        )

        lena_client.post("/work/reports/2026-11/cases/remove/", keyed(number=order.number))

    assert not NotableCase.objects.exists()
    kinds = list(ReportEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["generated", "case_picked", "generated", "case_removed"]


def test_an_order_of_another_month_cannot_be_picked(lena_client, dept_a):
    october = make_order("archived", at=at(2026, 10, 3, 9), lead=dept_a)
    with clock.frozen(DECEMBER_2):
        page = lena_client.post(
            "/work/reports/2026-11/cases/", keyed(number=october.number), follow=True
        ).content.decode()

    assert "不是2026年11月登记的工单" in page
    assert not NotableCase.objects.exists()


def test_the_notice_opens_the_report_page(lena_client, lena, order):
    with clock.frozen(DECEMBER_2):
        services.report_generate(month=NOVEMBER)
        outbox_send(OutboxMessage.objects.get(template_code="monthly_report_ready").pk)

    notice = Notice.objects.get(user=lena)
    assert notice.text == "2026年11月人大代表履职工作月度报告已生成，请查阅。"
    assert "查看报告" in lena_client.get("/work/notices/").content.decode()
    response = lena_client.post("/work/notices/read/", {"id": notice.pk, "open": "1"})
    assert response.url == "/work/reports/2026-11/"


def test_a_failed_report_is_listed_as_failed(lena_client, monkeypatch, order):
    from minyi.ledger.reports import xlsx

    monkeypatch.setattr(xlsx, "render", lambda *a: 1 / 0)
    with clock.frozen(DECEMBER_2):
        response = lena_client.post("/work/reports/generate/", keyed(month="2026-11"), follow=True)

    assert "报告生成失败" in response.content.decode()
    assert MonthlyReport.objects.get().state == ReportState.FAILED


@pytest.mark.parametrize("period", ["2026-13", "1999-12", "0001-01"])
def test_a_month_that_is_no_month_is_not_found(lena_client, period):
    assert lena_client.get(f"/work/reports/{period}/").status_code == 404
    assert lena_client.get(f"/work/reports/{period}.pdf").status_code == 404


def test_a_month_without_a_report_offers_to_generate_it(lena_client):
    with clock.frozen(DECEMBER_2):
        page = lena_client.get("/work/reports/2026-10/").content.decode()
        current = lena_client.get("/work/reports/2026-12/").content.decode()

    assert "该月报告尚未生成" in page and "生成报告" in page
    assert "2026年12月尚未结束，只能生成已结束月份的报告。" in current
