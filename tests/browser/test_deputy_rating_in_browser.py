"""The deputy rates a result on a phone (issue 9, rule 7 and "Phone views for the deputy"):
their orders are cards on a 390×844 screen, the order page shows the result and the rating,
and the rating is the callback the callback agent then archives.

With ``MINYI_SCREENSHOTS`` set (``make screenshots``: docs/screenshots/, which the README shows)
it saves what it sees; a plain test run writes nothing into the checkout."""

from __future__ import annotations

import pytest

from minyi.orders.models import Callback, CallbackRater, Satisfaction, Status
from tests.browser.people import person, screenshot, signed_in
from tests.factories import HandlerFactory, UserFactory, make_order

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_deputy_rates_a_result_on_a_phone_and_the_agent_archives(asgi_server, browser, zhang):
    base = asgi_server
    hana = person(HandlerFactory, username="hana")
    carl = person(UserFactory, username="carl", role="callback")
    zora = person(UserFactory, username="zora", role="deputy", deputy=zhang, last_name="张")
    order = make_order(
        "replied",
        channel="deputy_call",
        deputy=zhang,
        handler=hana,
        title="银田镇主干道路灯不亮",
        content="银田镇主干道路灯已坏一周，夜间行人看不清路面。",
    )
    make_order("signed", channel="deputy_call", deputy=zhang, handler=hana, title="村口涵洞堵塞")

    # the deputy signs in on a phone and lands on their orders: cards, not a table
    phone = signed_in(browser, base, zora, viewport=PHONE, device_scale_factor=2, is_mobile=True)
    phone.goto(f"{base}/work/")
    phone.wait_for_selector("ul.cards li.order-row")
    assert phone.locator("table").count() == 0
    assert phone.locator("ul.cards li.order-row").count() == 2
    card = phone.locator(f"li.order-row[data-number='{order.number}']")
    assert "待您评价" in card.inner_text()
    assert _fits_the_screen(phone)
    screenshot(phone, "deputy-orders-phone")

    # the order page: the result first, then the rating with nothing chosen
    card.locator("a").click()
    phone.wait_for_selector("#result")
    result = phone.locator("#result").inner_text()
    assert "已清理占道摊点，并安排城管队员每日巡查。" in result and "已解决" in result
    assert phone.locator("#action-rate input:checked").count() == 0
    phone.click("label.choice:has-text('基本满意')")
    phone.click("label.choice:has-text('已解决')")
    assert _fits_the_screen(phone)
    screenshot(phone, "deputy-rating-phone")
    phone.locator("#action-rate button[type=submit]").dblclick()  # a double tap: one rating
    phone.wait_for_selector(".rated")
    assert "感谢您的评价" in phone.inner_text("main")
    assert "您的评价：基本满意，已解决" in phone.locator("#result").inner_text()
    screenshot(phone, "deputy-rated-phone")

    callback = Callback.objects.get(order=order)
    assert (callback.rater, callback.satisfaction, callback.solved) == (
        CallbackRater.DEPUTY,
        Satisfaction.BASICALLY,
        True,
    )

    # the callback agent finds the rated order in 回访中 and archives it
    agent = signed_in(browser, base, carl)
    agent.goto(f"{base}/work/callback/?tab=callback")
    row = agent.locator(f"tr.order-row[data-number='{order.number}']")
    assert "代表已评价：基本满意" in row.inner_text()
    row.locator("a").first.click()
    agent.click("#do-archive")
    agent.locator("#action-archive button[type=submit]").click()
    agent.wait_for_load_state("load")
    order.refresh_from_db()
    assert order.status == Status.ARCHIVED
    assert Callback.objects.filter(order=order).count() == 1
