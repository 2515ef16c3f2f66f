"""The role queues: each shows what the role must do next, deadline first, with badges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.orders.models import Status, Warning, WorkOrder
from minyi.orders.services.closing import order_supervise
from minyi.orders.services.handling import extension_request
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, lead_of, make_order
from tests.logins import sign_in
from tests.workbench.lists_helpers import deputy_user, numbers, staggered

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_work_home_sends_each_role_to_its_queue(client, dan, hana, carl, ada, olivia):
    expected = {
        dan: "/work/dispatch/",
        hana: "/work/department/",
        carl: "/work/callback/",
        olivia: "/console/",
    }
    for user, url in expected.items():
        client.force_login(user)
        assert client.get("/work/").url == url
    # the administrators work in the admin only
    assert sign_in(client, ada).get("/work/").status_code == 403


def test_dispatcher_sees_accepted_orders_by_their_dispatch_deadline_and_warning(
    client, dan, dept_a
):
    # Accepted orders wait on the dispatch clock (2 working hours, 第一时间交办): the longest
    # waiting comes first, with its deadline and its warning.
    fresh = make_order("accepted", at=MONDAY + timedelta(days=1))
    overdue = make_order("accepted", at=MONDAY)
    make_order("dispatched", lead=dept_a)  # nothing left to dispatch
    sla_scan(now=MONDAY + timedelta(days=1, minutes=30))
    response = _get(client, dan, "/work/dispatch/")
    assert response.status_code == 200
    assert numbers(response) == [overdue.number, fresh.number]
    html = response.content.decode()
    assert "待派单" in html
    assert "2026-03-02 12:00" in html and "2026-03-03 12:00" in html
    assert html.count('<span class="badge red">红色超期</span>') == 1


def test_dispatcher_sees_returns_with_reason_basis_and_leader_opinion(client, dan, hana):
    returned = make_order("returned", handler=hana)
    make_order("signed", handler=hana)
    response = _get(client, dan, "/work/dispatch/?tab=returns")
    html = response.content.decode()
    assert numbers(response) == [returned.number]
    assert "不属于本单位职责" in html
    assert "《三定方案》未赋予本单位该项职责" in html
    assert "领导签署意见" in html and f"/work/orders/{returned.number}/#attachment-" in html


def test_dispatcher_sees_pending_extensions(client, dan, hana):
    asking = make_order("signed", handler=hana, at=MONDAY)
    make_order("signed", handler=hana, at=MONDAY)
    assignment = lead_of(asking)
    from minyi.core import clock

    with clock.frozen(MONDAY + timedelta(hours=1)):
        extension_request(
            assignment=assignment,
            requested_due=assignment.reply_due + timedelta(days=5),
            reason="需协调多个部门现场勘查",
            actor=hana,
        )
    response = _get(client, dan, "/work/dispatch/?tab=extensions")
    assert numbers(response) == [asking.number]
    assert "需协调多个部门现场勘查" in response.content.decode()


def test_dispatcher_supervision_board_holds_supervised_and_red_orders(client, dan, hana):
    calm = make_order("signed", handler=hana)
    red = make_order("signed", handler=hana)
    supervised = make_order("callback", handler=hana)
    order_supervise(order=supervised, level=Warning.YELLOW, note="群众不满意，督促整改", actor=dan)
    # The SLA scan's write, done directly: the list only reads the field.
    WorkOrder.objects.filter(pk=red.pk).update(warning=Warning.RED)
    response = _get(client, dan, "/work/dispatch/?tab=supervision")
    shown = numbers(response)
    assert set(shown) == {red.number, supervised.number}
    assert calm.number not in shown
    html = response.content.decode()
    assert '<span class="badge red">红色超期</span>' in html
    assert '<span class="badge yellow">督办</span>' in html


def test_handler_sees_only_their_department_in_each_tab(client, hana, henry):
    pending_a = make_order("dispatched", handler=hana)
    signed_a = make_order("signed", handler=hana)
    returning_a = make_order("returned", handler=hana)
    replied_a = make_order("replied", handler=hana)
    b_orders = [make_order(s, handler=henry) for s in ("dispatched", "signed", "replied")]
    tabs = {
        "pending": [pending_a.number],
        "handling": sorted([signed_a.number, returning_a.number]),
        "replied": [replied_a.number],
    }
    for tab, expected in tabs.items():
        response = _get(client, hana, f"/work/department/?tab={tab}")
        assert sorted(numbers(response)) == sorted(expected), tab
        for order in b_orders:
            assert order.number not in response.content.decode()
    henry_sees = set()
    for tab in tabs:
        henry_sees |= set(numbers(_get(client, henry, f"/work/department/?tab={tab}")))
    assert henry_sees == {o.number for o in b_orders}


def test_handler_sees_the_return_requested_state_of_their_assignment(client, hana):
    make_order("returned", handler=hana)
    html = _get(client, hana, "/work/department/?tab=handling").content.decode()
    assert "主办 · 申请退件" in html


def test_handler_replied_tab_keeps_only_the_last_thirty_days(client, hana):
    from minyi.core import clock

    old = make_order("replied", handler=hana, at=MONDAY)
    recent = make_order("replied", handler=hana, at=MONDAY + timedelta(days=40))
    with clock.frozen(MONDAY + timedelta(days=45)):
        shown = numbers(_get(client, hana, "/work/department/?tab=replied"))
    assert shown == [recent.number]
    assert old.number not in shown


def test_handler_queue_is_sorted_by_deadline_with_provisional_mark(client, hana):
    orders = staggered("dispatched", 3, handler=hana)
    WorkOrder.objects.filter(pk=orders[1].pk).update(deadline_provisional=True)
    response = _get(client, hana, "/work/department/?tab=pending")
    due = dict(WorkOrder.objects.values_list("number", "sign_due"))  # 待签收: the sign-for deadline
    shown = numbers(response)
    assert shown == sorted(shown, key=lambda n: (due[n], n)) == [o.number for o in orders]
    assert response.content.decode().count("（暂定）") == 1


def test_callback_agent_sees_only_callback_states(client, carl, hana):
    replied = make_order("replied", handler=hana)
    in_callback = make_order("callback", handler=hana)
    others = [make_order(s, handler=hana) for s in ("signed", "archived")]
    assert numbers(_get(client, carl, "/work/callback/")) == [replied.number]
    assert numbers(_get(client, carl, "/work/callback/?tab=callback")) == [in_callback.number]
    html = _get(client, carl, "/work/callback/").content.decode()
    for order in others:
        assert order.number not in html


def test_deputy_sees_only_their_own_orders(client, deputy):
    from tests.factories import DeputyFactory

    mine = make_order("accepted", deputy=deputy, channel="deputy_call")
    make_order("accepted", deputy=DeputyFactory(), channel="deputy_call")
    make_order("accepted")
    assert numbers(_get(client, deputy_user(deputy), "/work/mine/")) == [mine.number]


@pytest.mark.parametrize(
    "persona, url",
    [
        ("dan", "/work/dispatch/"),
        ("hana", "/work/department/?tab=pending"),
        ("carl", "/work/callback/"),
    ],
)
def test_every_list_masks_the_requester(client, request, persona, url, hana):
    make_order("accepted", requester_name="李建国", requester_phone="+8613912345678")
    make_order(
        "dispatched", handler=hana, requester_name="李建国", requester_phone="+8613912345678"
    )
    make_order("replied", handler=hana, requester_name="李建国", requester_phone="+8613912345678")
    html = _get(client, request.getfixturevalue(persona), url).content.decode()
    assert "139****5678" in html
    assert "13912345678" not in html and "李建国" not in html
    assert "李*国" in html


def test_handler_never_sees_a_whistle_blower(client, hana):
    make_order(
        "dispatched",
        handler=hana,
        request_type_code="report",
        requester_name="举报人甲",
        requester_phone="+8613712345678",
    )
    html = _get(client, hana, "/work/department/").content.decode()
    assert "举报人信息保密" in html and "137****5678" not in html


def test_tabs_and_pages_answer_htmx_with_the_list_fragment_only(client, dan):
    make_order("accepted")
    client.force_login(dan)
    response = client.get("/work/dispatch/?tab=accepted", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="list"')
    assert "<html" not in html


def test_a_queue_costs_a_fixed_number_of_queries(client, dan, hana, django_assert_max_num_queries):
    for _ in range(6):
        make_order("returned", handler=hana, deputy=None)
    client.force_login(dan)
    client.get("/work/dispatch/?tab=returns")  # warm the session and the content types
    # session + user, orders, the two prefetches; the undated segment when dated ones run out;
    # the header's two bounded counts (the first queue, the unread notices)
    with django_assert_max_num_queries(10):
        response = client.get("/work/dispatch/?tab=returns")
    assert len(numbers(response)) == 6
    client.force_login(hana)
    with django_assert_max_num_queries(8):
        assert len(numbers(client.get("/work/department/?tab=handling"))) == 6


def test_the_status_column_shows_the_order_state_to_the_dispatcher(client, dan):
    make_order("accepted")
    html = _get(client, dan, "/work/dispatch/").content.decode()
    assert Status.ACCEPTED.label in html
