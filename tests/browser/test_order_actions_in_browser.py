"""One action at a time on the order page, and a console that survives a reload (issue 9), in a
real browser on a desktop and on a 390×844 phone.

With ``MINYI_SCREENSHOTS`` set (``make screenshots``) it saves what it sees; a plain test run
writes nothing into the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from minyi.calls.lookup import deputy_card
from minyi.orders.models import Status
from minyi.reference.models import Category, Department, Region
from tests.browser.people import person, signed_in
from tests.browser.test_console_in_browser import _ring
from tests.factories import ZHANG_MOBILE, UserFactory, make_order

pytestmark = pytest.mark.browser
SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = os.environ.get("MINYI_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_dispatcher_opens_one_form_from_its_button_and_dispatches(asgi_server, browser, screen):
    base = asgi_server
    city = Region.objects.create(name="韶山市", level="county")
    lights = Category.objects.create(name="路灯照明")
    bureau = Department.objects.create(name="韶山市城市管理局", region=city)
    bureau.categories.add(lights)
    Department.objects.create(name="韶山市教育局", region=city)
    dan = person(UserFactory, username="dan", role="dispatcher")
    order = make_order("accepted", region=city, category=lights, title="路灯不亮")
    page = signed_in(browser, base, dan, viewport=SCREENS[screen])

    page.goto(f"{base}/work/orders/{order.number}/")
    labels = page.locator(".action-buttons a").all_inner_texts()
    assert labels == ["派单", "合并至主工单", "转闭会期间代表建议", "不予受理"]
    assert page.locator("form.action").count() == 0
    assert "secondary" not in page.get_attribute("#do-dispatch", "class")
    assert "secondary" in page.get_attribute("#do-reject", "class")
    assert _fits_the_screen(page)
    _shot(page, f"order-actions-{screen}")

    page.click("#do-dispatch")
    page.wait_for_selector("#action-dispatch")
    assert page.locator("form.action").count() == 1
    assert page.url.endswith("?do=dispatch")  # Back and reload keep the open form
    options = page.locator("#id_dispatch_lead option").all_inner_texts()
    assert options == ["请选择主办单位", "韶山市城市管理局"]  # the region's, for the category
    assert _fits_the_screen(page)
    _shot(page, f"order-dispatch-{screen}")

    page.select_option("#id_dispatch_lead", label="韶山市城市管理局")
    page.click("#action-dispatch button[type=submit]")
    page.wait_for_selector("text=已派至 韶山市城市管理局")
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_the_buttons_work_without_javascript(asgi_server, browser):
    base = asgi_server
    dan = person(UserFactory, username="dan", role="dispatcher")
    order = make_order("accepted")
    page = signed_in(browser, base, dan, java_script_enabled=False)

    page.goto(f"{base}/work/orders/{order.number}/")
    page.click("#do-merge")
    page.wait_for_selector("#action-merge")
    page.fill("#id_merge_master", "12345-00000000-000000")
    page.click("#action-merge button[type=submit]")
    page.wait_for_selector("#action-merge .errorlist")

    assert "未找到工单 12345-00000000-000000。" in page.inner_text("#action-merge")
    assert page.locator("form.action").count() == 1


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reload_keeps_the_calling_deputys_banner_and_f2_puts_the_cursor_in_the_form(
    asgi_server, browser, pbx_token, zhang, screen
):
    base = asgi_server
    olivia = person(UserFactory, username="olivia", role="operator")
    earlier = make_order("accepted", channel="deputy_call", deputy=zhang, title="村口路面塌陷")
    page = signed_in(browser, base, olivia, viewport=SCREENS[screen])
    page.goto(f"{base}/console/")
    page.wait_for_selector("#console[data-live='1']")

    _ring(base, pbx_token, "call-reload", ZHANG_MOBILE)
    page.wait_for_selector("#banner.deputy")
    # today's calls refresh at once on the ring, without a reload
    page.wait_for_selector("#calls-today :text('张三')")

    page.reload()
    page.wait_for_selector("#console[data-live='1']")
    assert page.inner_text("#banner-text") == deputy_card(zhang.pk).banner
    assert page.inner_text("#greeting").startswith("欢迎您，张三代表")
    _shot(page, f"console-reloaded-{screen}")

    page.keyboard.press("F2")
    page.wait_for_selector("#intake-form")
    assert page.input_value("#id_requester_name") == "张三"
    page.wait_for_function("document.activeElement.closest('#intake-form') !== null")
    page.locator("body").click(position={"x": 1, "y": 1})  # the cursor leaves the form
    page.keyboard.press("F2")
    page.wait_for_function("document.activeElement.closest('#intake-form') !== null")
    assert _fits_the_screen(page)

    link = page.locator(f"#deputy-recent a:text-is('{earlier.number}')")
    assert link.get_attribute("target") == "_blank"
    with page.context.expect_page() as opened:
        link.click()
    sheet = opened.value
    sheet.wait_for_load_state()
    assert "村口路面塌陷" in sheet.inner_text("main")
