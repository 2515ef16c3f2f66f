"""The error pages on a phone, served by uvicorn as in production: Chinese, readable without
sideways scrolling, with a way back; a NUL in the address is refused before any query."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/no-such-page/", 404, "页面不存在"),
        ("/work/orders/%00/", 400, "请求有误"),
        ("/work/orders/%FF/", 400, "请求有误"),
    ],
)
def test_an_error_page_reads_well_on_a_phone_and_leads_home(asgi_server, page, path, status, title):
    page.set_viewport_size(PHONE)

    response = page.goto(f"{asgi_server}{path}")

    assert response.status == status
    assert page.locator("h1", has_text=title).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if os.environ.get("MINYI_SCREENSHOTS"):  # look at it: MINYI_SCREENSHOTS=/tmp/shots
        page.screenshot(path=f"{os.environ['MINYI_SCREENSHOTS']}/error-{status}-{len(path)}.png")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(f"{asgi_server}/")
