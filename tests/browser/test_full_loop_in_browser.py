"""One deputy-call order walked through every role in a real browser (issue 4):
accept → dispatch → sign → return → refused return → reply → callback dissatisfied → redo →
reply → callback satisfied → archived, with the deputy's SMS in the outbox."""

from __future__ import annotations

import pytest

from minyi.notify.models import OutboxMessage
from minyi.orders.models import EventKind, Status, WorkOrder
from tests.browser.people import order_act as _act
from tests.browser.people import person, signed_in
from tests.factories import ZHANG_MOBILE, DepartmentFactory, HandlerFactory, UserFactory

pytestmark = pytest.mark.browser


def test_one_order_through_every_role_with_the_deputy_told(asgi_server, browser, zhang):
    base = asgi_server
    city, transport = (
        DepartmentFactory(name="韶山市城市管理局"),
        DepartmentFactory(name="韶山市交通运输局"),
    )
    olivia = person(UserFactory, username="olivia", role="operator")
    dan = person(UserFactory, username="dan", role="dispatcher")
    hana = person(HandlerFactory, username="hana", department=city)
    carl = person(UserFactory, username="carl", role="callback")

    # 话务员: a deputy's number looked up by hand, intake, save = accept
    operator = signed_in(browser, base, olivia)
    operator.goto(f"{base}/console/")
    operator.fill("#lookup-phone", ZHANG_MOBILE)
    operator.press("#lookup-phone", "Enter")
    operator.wait_for_selector("#banner.deputy")
    operator.click("#open-intake")
    operator.wait_for_selector("#intake-form")
    operator.fill("#id_title", "银田镇主干道路灯不亮")
    operator.fill("#id_content", "银田镇主干道路灯已坏一周，夜间行人看不清路面。")
    operator.click("#save-order")
    operator.wait_for_url("**/console/orders/*/")
    order = WorkOrder.objects.get()
    number = order.number
    assert (order.status, order.deputy) == (Status.ACCEPTED, zhang)

    dispatcher = signed_in(browser, base, dan)
    handler = signed_in(browser, base, hana)
    agent = signed_in(browser, base, carl)

    _act(
        dispatcher,
        base,
        number,
        "dispatch",
        lambda p: p.select_option("#id_dispatch_lead", str(city.pk)),
    )
    _act(handler, base, number, "sign")
    _act(
        handler,
        base,
        number,
        "return",
        lambda p: (
            p.fill("#id_return_reason", "路灯由交通部门管养"),
            p.select_option("#id_return_suggested_department", str(transport.pk)),
            p.fill("#id_return_basis", "《韶山市城市道路照明设施管理办法》第五条"),
            p.set_input_files(
                "#id_return_leader_opinion",
                files=[
                    {
                        "name": "领导意见.pdf",
                        "mimeType": "application/pdf",
                        "buffer": b"%PDF-1.4 opinion",
                    }
                ],
            ),
        ),
    )
    _act(
        dispatcher,
        base,
        number,
        "return-refuse",
        lambda p: p.fill("#id_return-refuse_note", "城区路灯属城管职责，请在原时限内办结"),
    )
    _act(
        handler,
        base,
        number,
        "reply",
        lambda p: (
            p.fill("#id_reply_content", "已更换灯具，恢复照明。"),
            p.select_option("#id_reply_solved", "solved"),  # no default: the handler says
        ),
    )
    _act(
        agent,
        base,
        number,
        "callback",
        lambda p: (
            p.select_option("#id_callback_satisfaction", "dissatisfied"),
            p.select_option("#id_callback_solved", "no"),
        ),
    )
    _act(agent, base, number, "redo", lambda p: p.fill("#id_redo_note", "代表反映仍有两盏不亮"))
    _act(
        handler,
        base,
        number,
        "reply",
        lambda p: (
            p.fill("#id_reply_content", "两盏灯已全部修复。"),
            p.select_option("#id_reply_solved", "solved"),
        ),
    )
    _act(
        agent,
        base,
        number,
        "callback",
        lambda p: (
            p.select_option("#id_callback_satisfaction", "satisfied"),
            p.select_option("#id_callback_solved", "yes"),
        ),
    )
    _act(agent, base, number, "archive")

    order.refresh_from_db()
    assert order.status == Status.ARCHIVED
    kinds = list(order.events.exclude(kind=EventKind.WARNING).values_list("kind", flat=True))
    assert kinds == [
        "created",
        "accepted",
        "dispatched",
        "signed",
        "attachment_added",
        "return_requested",
        "return_refused",
        "replied",
        "called_back",
        "redo",
        "replied",
        "called_back",
        "archived",
    ]
    to_deputy = list(
        OutboxMessage.objects.filter(order=order, recipient_phone=ZHANG_MOBILE)
        .order_by("id")
        .values_list("template_code", flat=True)
    )
    assert to_deputy == ["order_accepted", "reply_ready_deputy", "reply_ready_deputy"]
    assert number in OutboxMessage.objects.filter(template_code="order_accepted").get().body
