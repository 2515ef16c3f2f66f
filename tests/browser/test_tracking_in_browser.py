"""An unsolved reply tracked to done (issue 9 rule 6, 跟踪督办), in a browser: the department
replies 暂未解决 with its plan, the callback agent archives it into tracking, the department
reports progress and then done on the desktop, and the deputy confirms on a 390×844 phone; the
deputy gets an SMS at each step (read from the outbox).

With ``MINYI_SCREENSHOTS`` set it saves what it sees (docs/screenshots/)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from minyi.core import clock, timefmt
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Status, Tracking, TrackingState, WorkOrder
from tests.browser.people import person, signed_in
from tests.factories import ZHANG_MOBILE, HandlerFactory, UserFactory, make_order

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("MINYI_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _deputy_texts(order) -> list[tuple[str, str]]:
    messages = OutboxMessage.objects.filter(order=order, recipient_phone=ZHANG_MOBILE)
    return list(messages.order_by("id").values_list("template_code", "body"))


def _open(page, action: str) -> None:
    """One action at a time: its button opens its form."""
    page.locator(f"#do-{action}").click()
    page.wait_for_selector(f"#action-{action}")


def _submit(page, action: str) -> None:
    page.locator(f"#action-{action} button[type=submit]").click()
    page.wait_for_load_state("load")


def test_an_unsolved_reply_is_tracked_to_done_with_the_deputys_sms_at_each_step(
    asgi_server, browser, zhang
):
    base = asgi_server
    hana = person(HandlerFactory, username="hana")
    carl = person(UserFactory, username="carl", role="callback")
    zora = person(UserFactory, username="zora", role="deputy", deputy=zhang, last_name="张")
    order = make_order(
        "signed",
        channel="deputy_call",
        deputy=zhang,
        handler=hana,
        title="银田镇集市占道经营",
        content="银田镇集市摊贩占道，车辆无法通行。",
    )
    plan_due = timefmt.local_date(clock.now()) + timedelta(days=30)
    url = f"{base}/work/orders/{order.number}/"

    # the department replies 暂未解决 with its plan and date
    desk = signed_in(browser, base, hana)
    desk.goto(url)
    _open(desk, "reply")
    desk.fill("#id_reply_content", "已约谈摊贩，疏导点尚在选址。")
    desk.select_option("#id_reply_solved", "not_yet")
    desk.fill("#id_reply_plan", "在集市东侧设置临时疏导点")
    desk.fill("#id_reply_plan_due", plan_due.isoformat())
    _submit(desk, "reply")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.REPLIED

    # the callback agent reaches the deputy, who is basically satisfied, and archives: tracked
    agent = signed_in(browser, base, carl)
    agent.goto(url)
    _open(agent, "callback")
    agent.select_option("#id_callback_satisfaction", "basically")
    agent.select_option("#id_callback_solved", "no")
    _submit(agent, "callback")
    _open(agent, "archive")
    _submit(agent, "archive")
    assert WorkOrder.objects.get(pk=order.pk).status == Status.TRACKING

    # the department finds it under 跟踪督办, reports progress, then done
    desk.goto(f"{base}/work/department/?tab=tracking")
    row = desk.locator(f"tr.order-row[data-number='{order.number}']")
    assert "跟踪督办 · 办理中" in row.inner_text()
    assert f"计划 {plan_due.isoformat()}" in row.inner_text()
    _shot(desk, "tracking-department-tab")
    row.locator("a").first.click()
    desk.wait_for_selector("#tracking")
    assert "在集市东侧设置临时疏导点" in desk.locator("#tracking").inner_text()
    _open(desk, "tracking-progress")
    desk.fill("#id_tracking-progress_text", "疏导点已选址，正在施工。")
    _submit(desk, "tracking-progress")
    assert "已报告进展" in desk.inner_text("main")
    _open(desk, "tracking-done")
    desk.fill("#id_tracking-done_text", "疏导点已建成，摊贩已入场经营。")
    _submit(desk, "tracking-done")
    assert Tracking.objects.get(order=order).state == TrackingState.CONFIRMING

    # the deputy confirms on the phone, from the card
    phone = signed_in(browser, base, zora, viewport=PHONE, device_scale_factor=2, is_mobile=True)
    phone.goto(f"{base}/work/mine/")
    card = phone.locator(f"li.order-row[data-number='{order.number}']")
    assert "待您确认办结" in card.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _shot(phone, "tracking-confirm-phone")
    card.locator("button:has-text('确认已办结')").click()
    phone.wait_for_selector("#tracking")
    assert "已确认办结" in phone.inner_text("main")
    assert "跟踪督办（已办结）" in phone.locator("#tracking").inner_text()

    assert WorkOrder.objects.get(pk=order.pk).status == Status.ARCHIVED
    texts = _deputy_texts(order)
    assert [code for code, _ in texts] == [
        "order_accepted",
        "reply_ready_deputy",
        "tracking_opened",
        "tracking_progress",
        "tracking_done_deputy",
        "tracking_closed",
    ]
    bodies = dict(texts)
    day = f"{plan_due.month}月{plan_due.day}日"
    assert (
        f"暂未解决，已列入跟踪督办，计划于{day}前完成：在集市东侧设置临时疏导点。"
        in (bodies["tracking_opened"])
    )
    assert "跟踪督办有新进展：疏导点已选址，正在施工。" in bodies["tracking_progress"]
    assert "承办单位报告已办结：疏导点已建成，摊贩已入场经营。" in bodies["tracking_done_deputy"]
    assert "已确认办结，跟踪督办结束" in bodies["tracking_closed"]
