"""In a browser: an out-of-scope deputy matter is rejected at intake with exactly one SMS, and
the liaison officer escalates it to the committee's suggestion queue (the deputy told again)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Status, WorkOrder
from minyi.suggestions.models import Suggestion
from tests.browser.people import person, screenshot, sign_in
from tests.factories import ZHANG_MOBILE, UserFactory, scope_reason

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_an_out_of_scope_deputy_matter_sends_one_sms_and_the_liaison_officer_escalates_it(
    asgi_server, browser, zhang, viewport
):
    person(UserFactory, username="olivia", role=Role.OPERATOR)
    person(UserFactory, username="lin", role=Role.LIAISON)
    reason = scope_reason("military")
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", **({"viewport": viewport} if viewport else {})
    )
    page = context.new_page()
    page.set_default_timeout(10_000)

    sign_in(page, asgi_server, "olivia")
    page.goto(f"{asgi_server}/console/")
    page.fill("#lookup-phone", ZHANG_MOBILE)
    page.click("button:text-is('查询')")
    page.wait_for_selector("#banner.deputy")
    page.click("#open-intake")
    page.wait_for_selector("#intake-form")
    page.fill("#id_title", "营区外墙施工扰民")
    page.fill("#id_content", "部队营区外墙夜间施工，噪音扰民。")
    page.check("input[name=decision][value=reject]")
    page.select_option("#id_reason", str(reason.pk))
    page.click("#save-order")
    page.wait_for_url("**/console/orders/*/")

    order = WorkOrder.objects.get(title="营区外墙施工扰民")
    assert order.status == Status.REJECTED
    [sms] = OutboxMessage.objects.filter(order=order)
    assert sms.template_code == "order_rejected" and "。。" not in sms.body
    assert "不予受理" in page.inner_text("main")
    if viewport is None:
        screenshot(page, "console-rejected")

    page.click("button:text-is('退出')")
    sign_in(page, asgi_server, "lin")
    page.goto(f"{asgi_server}/work/orders/{order.number}/")
    page.click("#do-escalate")
    page.fill("#id_escalate_note", "涉及面广、办理难度大，转联工委")
    page.click("#action-escalate button[type=submit]")
    page.wait_for_selector("text=已转为闭会期间代表建议")

    assert Suggestion.objects.get().order == order
    codes = OutboxMessage.objects.filter(order=order).values_list("template_code", flat=True)
    assert sorted(codes) == ["order_escalated", "order_rejected"]
    page.goto(f"{asgi_server}/work/suggestions/")
    assert order.number in page.inner_text("#suggestions")
    if viewport is None:
        screenshot(page, "liaison-suggestions")
    context.close()
