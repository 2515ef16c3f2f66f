"""The ledger (工作台账) in a browser: the wide table scrolls sideways inside its frame while its
header row stays on top and the order number on the left; a filter swaps the list in place
(htmx), the counts of the filter follow the table, and a figure of the strip narrows to
what it counts.

With ``MINYI_SCREENSHOTS`` set the page is saved as ``ledger-desktop.png``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.accounts.models import Role
from minyi.orders.models import Channel
from tests.browser.people import person, screenshot, signed_in
from tests.factories import DeputyFactory, UserFactory, at, make_order

pytestmark = pytest.mark.browser


def test_the_ledger_reads_as_a_wide_table_with_a_sticky_header(asgi_server, browser, hana, zhang):
    titles = [
        "银田镇主干道路灯不亮",
        "韶山南路井盖缺失",
        "清溪镇自来水停水三天",
        "小区门口占道经营",
    ]
    states = ["archived", "signed", "replied", "accepted", "dispatched", "tracking"]
    for i in range(36):
        make_order(
            states[i % len(states)],
            at=at(2026, 11, 2, 9) + timedelta(hours=7 * i),
            channel=Channel.DEPUTY_CALL if i % 3 else Channel.QR_MESSAGE,
            deputy=zhang if i % 5 == 0 else DeputyFactory(name=f"谭{'萍丽华'[i % 3]}{i}"),
            handler=hana,
            title=titles[i % len(titles)],
        )
    lena = person(UserFactory, username="lena", last_name="林", first_name="娜", role=Role.LIAISON)
    page = signed_in(browser, asgi_server, lena, viewport={"width": 1366, "height": 860})

    page.goto(f"{asgi_server}/work/ledger/?month=2026-11")
    page.wait_for_selector(".ledger-total strong")  # the counts come after the table (htmx)
    assert page.locator(".ledger-total").inner_text().startswith("共 36 件")
    screenshot(page, "ledger-desktop")

    frame = page.locator(".ledger-scroll")
    header = page.locator(".ledger-table thead th").first
    top = header.bounding_box()["y"]
    frame.evaluate("el => { el.scrollTop = 300; el.scrollLeft = 600; }")
    assert abs(header.bounding_box()["y"] - top) < 2  # the header stays at the frame's top
    number = page.locator(".ledger-table tbody th").first
    assert number.bounding_box()["x"] <= frame.bounding_box()["x"] + 2  # the number stays left
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")

    page.locator(".ledger-strip a", has_text="办结").click()
    page.wait_for_url("**figure=closed**")
    assert "统计口径：办结" in page.locator(".chip").inner_text()
