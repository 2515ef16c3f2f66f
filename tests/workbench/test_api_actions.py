"""The workbench actions through the JSON API: the same rules, forms and services as the pages."""

from __future__ import annotations

import pytest

from minyi.orders.models import AssignmentStatus, EventKind, Status
from tests.factories import events, lead_of, make_order

pytestmark = pytest.mark.django_db


def post(client, number: str, action: str, body: dict | None = None):
    return client.post(
        f"/api/orders/{number}/actions/{action}/", data=body or {}, content_type="application/json"
    )


def test_a_handler_sees_and_takes_the_actions_the_page_offers(client, dan, hana):
    order = make_order("dispatched", dispatcher=dan, handler=hana)
    client.force_login(hana)

    offered = client.get(f"/api/orders/{order.number}/actions/").json()["actions"]
    response = post(client, order.number, "sign")

    assert "sign" in offered and "dispatch" not in offered
    assert response.status_code == 200
    assert response.json()["order"]["status"] == Status.SIGNED
    assert lead_of(order).status == AssignmentStatus.SIGNED


def test_a_dispatcher_dispatches_with_a_json_body(client, dan, dept_a, dept_b):
    order = make_order("accepted")
    client.force_login(dan)

    response = post(
        client,
        order.number,
        "dispatch",
        {"lead": dept_a.pk, "assisting": [dept_b.pk], "note": "尽快"},
    )

    assert response.status_code == 200, response.json()
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.assignments.count() == 2


def test_a_reply_without_a_plan_is_a_structured_400_and_changes_nothing(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    client.force_login(hana)
    before = len(events(order))

    response = post(
        client,
        order.number,
        "reply",
        {"content": "正在协调", "method": "phone", "solved": "not_yet"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] in ("invalid", "not_allowed") and body["error"]
    order.refresh_from_db()
    assert order.status == Status.SIGNED and len(events(order)) == before


def test_a_domain_refusal_keeps_its_code_and_chinese_message(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    client.force_login(dan)

    response = post(client, order.number, "supervise", {"level": "red", "note": ""})

    assert response.status_code == 400
    assert response.json()["error"]


def test_another_department_gets_404_and_the_order_does_not_move(client, dan, hana, henry):
    order = make_order("dispatched", dispatcher=dan, handler=hana)
    client.force_login(henry)

    assert client.get(f"/api/orders/{order.number}/actions/").status_code == 404
    response = post(client, order.number, "sign")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert lead_of(order).status == AssignmentStatus.PENDING


def test_a_visible_order_but_a_forbidden_action_is_403(client, dan, hana, carl):
    order = make_order("replied", dispatcher=dan, handler=hana)
    client.force_login(carl)

    response = post(client, order.number, "dispatch", {})

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not events(order, EventKind.DISPATCHED)[1:]


def test_an_unknown_action_is_404_and_anonymous_is_refused(client, dan, hana):
    order = make_order("dispatched", dispatcher=dan, handler=hana)

    assert post(client, order.number, "sign").status_code in (401, 403)
    client.force_login(hana)
    assert post(client, order.number, "teleport").status_code == 404
