"""In a browser: a real double-click on 保存 makes one order and one SMS (desktop and a
390×844 phone); Back after an action shows the current state, and the same form sent again
answers like the first (minyi/core/idempotency.py)."""

from __future__ import annotations

import pytest

from minyi.notify.models import OutboxMessage
from minyi.orders.models import EventKind, Status, WorkOrder
from tests.browser.people import person, signed_in
from tests.factories import DepartmentFactory, UserFactory, make_order

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_double_click_on_save_makes_one_order_and_one_sms(asgi_server, browser, viewport):
    olivia = person(UserFactory, username="olivia", role="operator")
    page = signed_in(browser, asgi_server, olivia, **({"viewport": viewport} if viewport else {}))
    posts = []
    page.on(
        "request",
        lambda r: (
            posts.append(r.post_data)
            if r.method == "POST" and "/console/intake/" in r.url
            else None
        ),
    )
    page.goto(f"{asgi_server}/console/")
    page.click("button:text-is('群众来电登记')")
    page.wait_for_selector("#intake-form")
    page.fill("#id_requester_name", "刘女士")
    page.fill("#id_requester_phone", "13912345678")
    page.fill("#id_title", "小区东门路灯不亮")
    page.fill("#id_content", "小区东门路灯连续一周不亮，夜间出行不便。")

    page.dblclick("#save-order")
    # each click's answer redirects to the order: the second navigation may cut the first short
    page.wait_for_selector("a:text-is('返回接线工作台')")

    order = WorkOrder.objects.get(title="小区东门路灯不亮")
    assert WorkOrder.objects.count() == 1
    assert order.events.filter(kind=EventKind.ACCEPTED).count() == 1
    assert OutboxMessage.objects.filter(order=order).count() == 1
    # the order's page (its flash message may go to either click's redirect: not checked here)
    assert page.url.endswith(f"/console/orders/{order.number}/")
    assert "已受理" in page.inner_text("main")
    # htmx queues the second click's POST behind the first: it is usually sent too (two
    # identical POSTs), unless the page has moved on first; the retry below always sends it
    assert posts

    # Back: the console as it is now (the order in today's list, no half-filled form)
    page.go_back()
    page.wait_for_selector("#my-orders")
    assert order.number in page.inner_text("#my-orders")
    assert page.locator("#intake-form").count() == 0

    # the very same form sent again (a retry): the same order, nothing sent twice
    again = page.request.post(
        f"{asgi_server}/console/intake/",
        data=posts[0],
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{asgi_server}/console/",
        },
        max_redirects=0,
    )
    assert again.status == 302
    assert again.headers["location"] == f"/console/orders/{order.number}/"
    assert WorkOrder.objects.count() == 1
    assert OutboxMessage.objects.filter(order=order).count() == 1
    page.context.close()


def test_back_after_dispatching_shows_the_dispatched_order_and_a_resubmit_is_harmless(
    asgi_server, browser
):
    dan = person(UserFactory, username="dan", role="dispatcher")
    city = DepartmentFactory(name="韶山市城市管理局")
    order = make_order("accepted", title="村口路面塌陷")
    page = signed_in(browser, asgi_server, dan)
    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.post_data) if r.method == "POST" and "/dispatch/" in r.url else None
        ),
    )
    page.goto(f"{asgi_server}/work/orders/{order.number}/?do=dispatch")
    page.select_option("#id_dispatch_lead", str(city.pk))
    page.locator("#action-dispatch button[type=submit]").click()
    page.wait_for_selector("text=已派至 韶山市城市管理局")

    page.go_back()
    page.wait_for_load_state("load")
    assert page.locator("#action-dispatch").count() == 0  # the page as it is now: dispatched
    assert "已派单" in page.inner_text("main") or "待签收" in page.inner_text("main")

    again = page.request.post(
        f"{asgi_server}/work/orders/{order.number}/dispatch/",
        data=sent[0],
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{asgi_server}/work/orders/{order.number}/",
        },
        max_redirects=0,
    )
    assert again.status == 302  # answered like the first, not "您现在不能对该工单执行此操作"
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED
    assert order.assignments.count() == 1
    assert order.events.filter(kind=EventKind.DISPATCHED).count() == 1
    page.context.close()
