"""The console's duplicate panel and its three answers: 并入此单 (merged at once, the caller told
the master's progress, nothing dispatched), 作为新诉求 (the candidates written on the event
data), 按重复诉求不予受理 (the refusal with the master's number). Double submits are harmless."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.intake.services import intake_catch_up
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Assignment, EventKind, Status, WorkOrder
from tests.factories import (
    MONDAY,
    ZHANG_MOBILE,
    console_intake,
    keyed,
    make_order,
    request_type,
    scope_reason,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


@pytest.fixture
def master(dan, dept_a):
    order = make_order(
        "dispatched",
        lead=dept_a,
        dispatcher=dan,
        requester_phone="+8613900139000",
        title="小区东门路灯不亮",
        content="小区东门路灯连续一周不亮，晚上很黑。",
        address="清溪镇学府路8号",
    )
    intake_catch_up()
    return order


def intake(**fields) -> dict:
    return keyed(console_intake("", **fields))


def test_the_panel_lists_the_candidate_with_number_title_status_date_reason_and_buttons(
    as_olivia, master
):
    page = as_olivia.post(
        "/intake/candidates/",
        {"title": "路灯不亮", "content": "学府路8号小区东门的路灯不亮", "address": "学府路8号"},
    ).content.decode()

    assert master.number in page and "小区东门路灯不亮" in page and "已派单" in page
    assert "同一地点" in page
    for button in ("并入此单", "作为新诉求", "按重复诉求不予受理"):
        assert button in page


def test_the_console_form_refreshes_the_panel_as_the_operator_types(as_olivia):
    page = as_olivia.get("/console/intake/").content.decode()

    assert 'hx-post="/intake/candidates/"' in page
    assert "keyup changed delay:400ms" in page


def test_the_panel_is_the_hotlines_a_department_gets_a_refusal(client, hana):
    client.force_login(hana)

    assert client.post("/intake/candidates/", {"title": "路灯"}).status_code == 403


def test_merging_from_the_console_closes_the_call_into_the_master_without_a_dispatch(
    as_olivia, master
):
    response = as_olivia.post("/console/intake/", intake(dup_merge=master.number))

    order = WorkOrder.objects.exclude(pk=master.pk).get()
    assert response.status_code == 302
    assert order.status == Status.MERGED and order.master == master
    assert not order.events.filter(kind=EventKind.ACCEPTED).exists()
    assert not Assignment.objects.filter(order=order).exists()
    assert master.events.filter(kind=EventKind.DUPLICATE_MERGED).count() == 1
    [sms] = OutboxMessage.objects.filter(order=order)
    assert sms.template_code == "order_merged" and sms.recipient_phone == ZHANG_MOBILE
    assert sms.body == (
        f"您好，您反映的“小区路灯不亮”（工单编号{order.number}）与工单{master.number}为同一诉求，"
        "已并入该工单办理，不再重复派单。目前进度：已派至承办单位，将于"
        f"{sms.body.split('将于')[1].split('前答复')[0]}前答复。办理结果将及时告知您。"
    )
    assert "月" in sms.body.split("将于")[1]  # the master's reply deadline, in Beijing time


def test_a_merge_posted_twice_makes_one_order_and_one_sms(as_olivia, master):
    body = intake(dup_merge=master.number)

    first = as_olivia.post("/console/intake/", body)
    second = as_olivia.post("/console/intake/", body)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert WorkOrder.objects.filter(status=Status.MERGED).count() == 1
    assert OutboxMessage.objects.filter(template_code="order_merged").count() == 1


def test_a_merge_into_a_report_is_refused_and_nothing_is_saved(as_olivia, dan, dept_a):
    report = make_order(
        "dispatched", lead=dept_a, dispatcher=dan, request_type_code="report", title="举报"
    )

    page = as_olivia.post("/console/intake/", intake(dup_merge=report.number)).content.decode()

    assert "不能作为本诉求的主工单" in page
    assert WorkOrder.objects.count() == 1


def test_accepting_as_new_writes_the_candidates_set_aside_on_the_event_data(as_olivia, master):
    as_olivia.post(
        "/console/intake/",
        intake(dup_new="1", requester_phone="+8613900139000", address="学府路8号"),
    )

    order = WorkOrder.objects.exclude(pk=master.pk).get()
    assert order.status == Status.ACCEPTED
    [event] = order.events.filter(kind=EventKind.DUPLICATES_DISMISSED)
    assert event.actor.username == "olivia"
    assert event.data["dismissed"] == [master.number]
    assert event.data["dismissed_reasons"] == {master.number: "same_phone"}
    assert event.note.startswith("话务员确认作为新诉求受理")


def test_a_call_without_candidates_writes_no_dismissal(as_olivia):
    as_olivia.post("/console/intake/", intake(requester_phone="+8613700137000"))

    order = WorkOrder.objects.get()
    assert not order.events.filter(kind=EventKind.DUPLICATES_DISMISSED).exists()


def test_a_refusal_under_the_duplicate_rule_names_the_master(as_olivia, master):
    basis = f"与工单 {master.number} 为同一事项，该事项已受理，本次来电无新情况、新理由。"
    as_olivia.post(
        "/console/intake/",
        intake(decision="reject", reason=scope_reason("duplicate").pk, basis=basis),
    )

    order = WorkOrder.objects.exclude(pk=master.pk).get()
    assert order.status == Status.REJECTED and order.reject_reason.code == "duplicate"
    [sms] = OutboxMessage.objects.filter(order=order, template_code="order_rejected")
    assert master.number in sms.body


def test_the_panel_offers_the_refusal_prefilled_with_the_duplicate_reason(as_olivia, master):
    page = as_olivia.post(
        "/intake/candidates/",
        {
            "requester_phone": "13900139000",
            "title": "路灯",
            "content": "东门的路灯又坏了，晚上很黑",
        },
    ).content.decode()

    assert f'data-number="{master.number}"' in page
    assert f'data-reason="{scope_reason("duplicate").pk}"' in page
    assert request_type("complain")  # the console's form type stays ordinary


def test_the_panel_comes_after_the_save_button_so_enter_saves(as_olivia):
    page = as_olivia.get("/console/intake/").content.decode()

    assert page.index('id="save-order"') < page.index('id="dup-panel-host"') < page.index("</form>")
