"""The order's print sheet in Chromium: on paper (print media, A4) the buttons and links to
the screen are gone, the sheet fits the page width, and the PDF the browser makes is A4."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.people import person, signed_in
from tests.factories import DepartmentFactory, HandlerFactory, UserFactory, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
A4_POINTS = (595, 842)  # 210 × 297 mm


def test_the_print_sheet_prints_on_a4_without_the_screens_buttons(asgi_server, browser):
    dispatcher = person(UserFactory, role="dispatcher", first_name="邓安")
    handler = HandlerFactory(department=DepartmentFactory(name="市城市管理和综合执法局"))
    order = make_order("replied", dispatcher=dispatcher, handler=handler)
    page = signed_in(browser, asgi_server, dispatcher)

    page.goto(f"{asgi_server}/work/orders/{order.number}/")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="打印工单").click()
    sheet = opened.value
    sheet.wait_for_load_state("load")
    assert sheet.get_by_role("button", name="打印").is_visible()

    sheet.emulate_media(media="print")
    assert not sheet.get_by_role("button", name="打印").is_visible()
    assert sheet.locator("h1").inner_text().startswith(order.number)
    assert (
        sheet.get_by_text("办理记录").is_visible() and sheet.get_by_text("时限").first.is_visible()
    )
    width = sheet.evaluate("document.documentElement.scrollWidth")
    assert width <= sheet.evaluate("window.innerWidth")
    pdf = sheet.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    pages = {(round(float(w)), round(float(h))) for w, h in boxes}
    assert pdf.startswith(b"%PDF") and pages == {A4_POINTS}
    if os.environ.get("MINYI_SCREENSHOTS"):  # look at it: MINYI_SCREENSHOTS=docs/screenshots
        sheet.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        sheet.screenshot(path=f"{os.environ['MINYI_SCREENSHOTS']}/order-print.png", full_page=True)
