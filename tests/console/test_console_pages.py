"""The operator console: who may enter, caller lookup, intake and the three next steps."""

from __future__ import annotations

import pytest

from minyi.calls.models import CallLog
from minyi.orders.models import Channel, EventKind, Status, WorkOrder
from tests.factories import (
    ZHANG_MOBILE,
    DepartmentFactory,
    keyed,
    make_order,
    request_type,
    scope_reason,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


def _intake(client, **fields):
    data = {
        "channel": Channel.CITIZEN_CALL,
        "requester_name": "王大爷",
        "requester_phone": "13912345678",
        "request_type": request_type("complain").pk,
        "urgency": "normal",
        "complexity": "normal",
        "title": "路灯不亮",
        "content": "清溪镇韶山南路路灯连续三晚不亮。",
        "decision": "accept",
    }
    data.update(fields)
    return client.post("/console/intake/", keyed(data))


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(client):
    response = client.get("/console/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", ["hana", "dan", "carl"])
def test_other_roles_cannot_open_the_console(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/console/").status_code == 403
    assert client.get("/console/intake/").status_code == 403
    assert client.post("/console/lookup/", {"phone": "13800138000"}).status_code == 403


def test_only_operators_may_listen_to_the_ring_events(client, hana):
    assert client.get("/console/events/").status_code == 302
    client.force_login(hana)
    assert client.get("/console/events/").status_code == 403


def test_looking_up_a_deputy_number_shows_the_red_banner_and_the_greeting(as_olivia, zhang):
    page = as_olivia.post("/console/lookup/", {"phone": "138 0013 8000"}).content.decode()

    assert "张三 湖南省(湘潭市、韶山市、银田镇)人大代表" in page
    assert "欢迎您，张三代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？" in page
    assert "banner deputy" in page


def test_looking_up_an_unknown_number_shows_a_citizen_call(as_olivia, zhang):
    page = as_olivia.post("/console/lookup/", {"phone": "13900000000"}).content.decode()

    assert "群众来电" in page
    assert "人大代表" not in page


def test_intake_from_a_ring_is_prefilled_with_the_deputy_and_their_recent_orders(
    as_olivia, zhang, pbx
):
    earlier = make_order(
        "accepted", channel=Channel.DEPUTY_CALL, deputy=zhang, title="村口路面塌陷"
    )
    pbx(event="ring", call_id="c-1", to="12345", **{"from": "013800138000"})

    page = as_olivia.get("/console/intake/", {"call": "c-1"}).content.decode()

    assert 'value="deputy_call" selected' in page
    assert f'value="{ZHANG_MOBILE}"' in page
    assert 'value="张三"' in page
    assert earlier.number in page and "村口路面塌陷" in page


def test_saving_a_deputy_call_accepts_the_order_and_links_the_call(as_olivia, olivia, zhang, pbx):
    pbx(event="ring", call_id="c-2", to="12345", **{"from": ZHANG_MOBILE})

    response = _intake(
        as_olivia,
        channel=Channel.DEPUTY_CALL,
        deputy=zhang.pk,
        call_id="c-2",
        requester_name="张三",
        requester_phone=ZHANG_MOBILE,
    )

    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/orders/{order.number}/"
    assert (order.status, order.deputy, order.created_by) == (Status.ACCEPTED, zhang, olivia)
    assert CallLog.objects.get(call_id="c-2").order == order
    assert as_olivia.get("/console/").content.decode().count(order.number) >= 1


def test_a_bad_intake_explains_itself_and_saves_nothing(as_olivia):
    response = _intake(as_olivia, title="", requester_phone="12345")

    page = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in page or "必填" in page
    assert "不是有效的手机号码" in page
    assert not WorkOrder.objects.exists()


def test_a_deputy_call_without_a_deputy_is_refused(as_olivia):
    response = _intake(as_olivia, channel=Channel.DEPUTY_CALL)

    assert "代表来电须关联代表" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_the_operator_dispatches_the_new_order_at_once(as_olivia):
    _intake(as_olivia)
    order = WorkOrder.objects.get()
    lead, helper = DepartmentFactory(), DepartmentFactory()

    response = as_olivia.post(
        f"/console/orders/{order.number}/dispatch/",
        keyed(lead=lead.pk, assisting=[helper.pk]),
    )

    order.refresh_from_db()
    assert response.status_code == 302
    assert order.status == Status.DISPATCHED
    assert sorted(order.assignments.values_list("department_id", flat=True)) == sorted(
        [lead.pk, helper.pk]
    )


def test_the_operator_answers_directly(as_olivia):
    _intake(as_olivia)
    order = WorkOrder.objects.get()

    as_olivia.post(
        f"/console/orders/{order.number}/answer/", keyed(content="已告知办理流程与所需材料。")
    )

    order.refresh_from_db()
    assert order.status == Status.CALLBACK


def test_rejecting_tells_the_deputy_the_standard_basis_unless_the_operator_writes_one(as_olivia):
    reason = scope_reason("legal_procedure")

    page = as_olivia.get("/console/intake/").content.decode()
    assert reason.title in page and reason.basis in page
    _intake(as_olivia, decision="reject", reason=reason.pk, basis="")
    order = WorkOrder.objects.get()

    order.refresh_from_db()
    assert (order.status, order.reject_reason, order.reject_basis) == (
        Status.REJECTED,
        reason,
        reason.basis,
    )
    assert order.events.filter(kind=EventKind.REJECTED).count() == 1


def test_a_second_action_on_the_same_order_is_refused_with_a_message(as_olivia):
    _intake(as_olivia)
    order = WorkOrder.objects.get()
    as_olivia.post(f"/console/orders/{order.number}/answer/", keyed(content="已答复。"))

    response = as_olivia.post(
        f"/console/orders/{order.number}/answer/", keyed(content="再答复一次。")
    )

    assert response.status_code == 403
    assert "当前为“回访中”，不能直接答复" in response.content.decode()


def test_an_operator_cannot_act_on_another_operators_order(client, as_olivia):
    from tests.factories import UserFactory

    _intake(as_olivia)
    order = WorkOrder.objects.get()
    client.force_login(UserFactory(username="oscar", role="operator"))

    # another operator's order is not in her sight: the same answer as on the workbench
    assert client.get(f"/console/orders/{order.number}/").status_code == 404
    assert (
        client.post(f"/console/orders/{order.number}/answer/", keyed(content="x")).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED


def test_a_missed_deputy_call_is_a_to_do_until_the_operator_calls_back(
    as_olivia, olivia, zhang, pbx
):
    pbx(event="ring", call_id="m-1", to="12345", **{"from": ZHANG_MOBILE})
    pbx(event="hangup", call_id="m-1", to="12345", **{"from": ZHANG_MOBILE})
    assert "已回拨" in as_olivia.get("/console/").content.decode()

    form = keyed(note="已回电，代表稍后再反映")
    response = as_olivia.post("/console/calls/m-1/done/", form)
    repeat = as_olivia.post("/console/calls/m-1/done/", form, follow=True)

    call = CallLog.objects.get(call_id="m-1")
    assert response.status_code == 302
    assert (call.callback_done_by, call.callback_note) == (olivia, "已回电，代表稍后再反映")
    assert "已回拨" not in as_olivia.get("/console/").content.decode()
    assert "已记录回拨：张三。" in repeat.content.decode()  # the same form: the same answer
    assert "已于" not in repeat.content.decode()
    again = as_olivia.post("/console/calls/m-1/done/", keyed(), follow=True)
    assert "已于" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_open_ring_stream_does_not_hold_a_database_connection(client, olivia):
    from django.db import connection

    client.force_login(olivia)
    response = client.get("/console/events/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    assert connection.connection is None  # back to the pool while the stream stays open
    response.close()
