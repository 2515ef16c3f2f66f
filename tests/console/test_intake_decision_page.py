"""The console's intake form decides 受理 or 不予受理: an out-of-scope deputy matter is never
accepted first, and the deputy gets one SMS with the reason and the basis."""

from __future__ import annotations

import pytest

from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, EventKind, Status, WorkOrder
from tests.factories import ZHANG_MOBILE, keyed, request_type, scope_reason

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


def _intake(client, **fields):
    data = {
        "channel": Channel.DEPUTY_CALL,
        "requester_name": "张三",
        "requester_phone": ZHANG_MOBILE,
        "request_type": request_type("complain").pk,
        "urgency": "normal",
        "complexity": "normal",
        "title": "营区外墙施工扰民",
        "content": "部队营区外墙夜间施工，噪音扰民。",
        "decision": "accept",
    }
    data.update(fields)
    return client.post("/console/intake/", keyed(data))


def test_an_out_of_scope_deputy_matter_texts_the_deputy_once_with_the_reason_and_basis(
    as_olivia, zhang
):
    reason = scope_reason("military")

    response = _intake(as_olivia, deputy=zhang.pk, decision="reject", reason=reason.pk)

    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert (order.status, order.reject_reason) == (Status.REJECTED, reason)
    assert not order.events.filter(kind=EventKind.ACCEPTED).exists()
    [message] = OutboxMessage.objects.filter(order=order)
    assert message.recipient_phone == ZHANG_MOBILE
    assert message.body == (
        f"您好，您反映的“营区外墙施工扰民”（工单编号{order.number}）不予受理，"
        "理由：涉及军队、武警管辖事项。依据《湖南省12345政务服务热线运行规范》，涉及军队、"
        "武警管辖的事项不属于12345热线受理范围，请向军队、武警有关单位反映。如有疑问请致电12345。"
    )
    page = as_olivia.get(response["Location"], follow=True).content.decode()
    assert "不予受理" in page and "已受理工单" not in page


def test_the_operator_may_write_the_basis_told_to_the_deputy(as_olivia, zhang):
    reason = scope_reason("duplicate")

    _intake(
        as_olivia,
        deputy=zhang.pk,
        decision="reject",
        reason=reason.pk,
        basis="该事项已于上月办结。",
    )

    order = WorkOrder.objects.get()
    assert order.reject_basis == "该事项已于上月办结。"
    [message] = OutboxMessage.objects.filter(order=order)
    assert "。。" not in message.body and "该事项已于上月办结。如有疑问" in message.body


def test_a_rejection_without_a_reason_explains_itself_and_saves_nothing(as_olivia, zhang):
    response = _intake(as_olivia, deputy=zhang.pk, decision="reject")

    assert response.status_code == 200
    assert "不予受理须选择理由" in response.content.decode()
    assert not WorkOrder.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_accepted_deputy_matter_is_told_once_that_it_was_accepted(as_olivia, zhang):
    _intake(as_olivia, deputy=zhang.pk, title="路灯不亮")

    order = WorkOrder.objects.get()
    assert order.status == Status.ACCEPTED
    [message] = OutboxMessage.objects.filter(order=order)
    assert message.template_code == "order_accepted"


def test_the_form_offers_the_reasons_and_their_basis(as_olivia):
    page = as_olivia.get("/console/intake/").content.decode()

    reason = scope_reason("military")
    assert 'name="decision"' in page
    assert reason.title in page and reason.basis in page


def test_after_acceptance_the_console_no_longer_offers_a_rejection(as_olivia, zhang):
    _intake(as_olivia, deputy=zhang.pk, title="路灯不亮")
    order = WorkOrder.objects.get()

    page = as_olivia.get(f"/console/orders/{order.number}/").content.decode()

    assert 'id="do-dispatch"' in page and 'id="do-answer"' in page
    assert 'id="do-reject"' not in page and "不予受理理由" not in page
    refused = as_olivia.post(f"/console/orders/{order.number}/reject/", keyed())
    assert refused.status_code == 403 and "不能不予受理" in refused.content.decode()
    assert WorkOrder.objects.get().status == "accepted"
