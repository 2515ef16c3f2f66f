"""The API's output serializers fail closed: built without a request, or for a request with no
user, they show the requester withheld; event data shows only the keys named as readable."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from minyi.orders.api_output import OrderActionOutput, OrderDetailOutput, OrderListOutput
from minyi.orders.models import EventKind, OrderEvent
from minyi.orders.selectors import EVENT_DATA_SHOWN
from minyi.orders.services.common import record_event
from minyi.workbench.presenters import DATA_LABELS
from tests.factories import STATES, make_order

pytestmark = pytest.mark.django_db

WITHHELD = {"shown": "withheld", "label": "信息保密", "name": "", "phone": "", "deputy": None}


@pytest.fixture
def order():
    return make_order("accepted", requester_name="张小三", requester_phone="+8613812345678")


def request_of(user):
    request = RequestFactory().get("/api/orders/")
    request.user = user
    return request


@pytest.mark.parametrize("output", [OrderListOutput, OrderDetailOutput])
def test_an_output_built_without_the_request_withholds_the_requester(order, output):
    data = output(order).data

    assert data["requester"] == WITHHELD
    assert "13812345678" not in str(data) and "张" not in str(data["requester"])


def test_an_output_for_a_request_without_a_signed_in_user_withholds_the_requester(order):
    for user in (None, AnonymousUser()):
        data = OrderDetailOutput(order, context={"request": request_of(user)}).data
        assert data["requester"] == WITHHELD


def test_the_action_output_without_the_request_withholds_the_requester(order):
    data = OrderActionOutput({"message": "已签收。", "order": order}).data

    assert data["order"]["requester"] == WITHHELD


def test_the_output_for_the_dispatcher_is_masked(order, dan):
    data = OrderListOutput(order, context={"request": request_of(dan)}).data

    assert data["requester"]["label"] == "张*三"
    assert data["requester"]["phone"] == "138****5678"


def test_event_data_outside_the_readable_keys_never_reaches_the_api(client, order, dan):
    record_event(
        order, EventKind.ATTACHMENT_ADDED, actor=dan, note="补充说明", phone="+8613812345678"
    )
    client.force_login(dan)

    events = client.get(f"/api/orders/{order.number}/").json()["events"]

    assert events[-1]["note"] == "补充说明"
    assert "phone" not in events[-1]["data"]
    assert "13812345678" not in str(events)


def test_every_key_the_services_write_is_readable_and_the_page_shows_only_readable_keys(
    hana, dan, carl
):
    for state in STATES:
        make_order(state, handler=hana, dispatcher=dan, agent=carl)
    written = {key for data in OrderEvent.objects.values_list("data", flat=True) for key in data}

    assert written <= EVENT_DATA_SHOWN, written - EVENT_DATA_SHOWN
    assert set(DATA_LABELS) <= EVENT_DATA_SHOWN
