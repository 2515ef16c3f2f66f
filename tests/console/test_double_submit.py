"""A double-click on 保存 (or a retried POST) makes one order and one SMS: the form's
idempotency key is checked by the service layer (minyi/core/idempotency.py)."""

from __future__ import annotations

import pytest

from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, WorkOrder
from tests.factories import ZHANG_MOBILE, request_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


def intake_form(**fields) -> dict:
    data = {
        "channel": Channel.CITIZEN_CALL,
        "requester_name": "刘女士",
        "requester_phone": ZHANG_MOBILE,
        "request_type": request_type("complain").pk,
        "urgency": "normal",
        "complexity": "normal",
        "title": "小区路灯不亮",
        "content": "小区东门路灯连续一周不亮。",
        "decision": "accept",
        "idempotency_key": "6f1c1f7e-3d7a-4c55-9a38-0d1f5b6a2c11",
    }
    data.update(fields)
    return data


def test_the_same_intake_posted_twice_makes_one_order_and_one_sms(as_olivia):
    first = as_olivia.post("/console/intake/", intake_form())
    second = as_olivia.post("/console/intake/", intake_form())

    order = WorkOrder.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/console/orders/{order.number}/"
    assert OutboxMessage.objects.filter(order=order).count() == 1
