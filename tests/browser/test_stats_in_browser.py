"""The dashboard in a real browser under the CSP: ECharts (vendored) draws every chart from the
page's json_script data without a violation, and a click on a bar opens the ledger with the
orders it counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.orders.models import Channel
from tests.factories import CategoryFactory, DeputyFactory, RegionFactory, UserFactory, make_order
from tests.logins import sign_in

pytestmark = pytest.mark.browser

RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sample})`);
});
"""


def test_the_dashboard_draws_its_charts_and_a_bar_opens_the_ledger(browser, asgi_server):
    cache.clear()
    liaison = UserFactory(role=Role.LIAISON)
    deputy, region, category = DeputyFactory(), RegionFactory(), CategoryFactory(name="市容环境")
    today = clock.now()
    for days in (0, 1, 1, 3):
        make_order(
            "archived",
            at=today - timedelta(days=days),
            channel=Channel.DEPUTY_CALL,
            deputy=deputy,
            region=region,
            category=category,
        )

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.add_init_script(RECORDER)
    cookie = sign_in(Client(), liaison).cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": asgi_server}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Refused" in m.text else None)
    try:
        page.goto(asgi_server + "/work/stats/")
        for chart in ("chart-volume", "chart-trend", "chart-categories", "chart-regions"):
            page.wait_for_selector(f'.chart[data-spec="{chart}"] canvas')
        assert page.evaluate("window.__csp") == [] and console == []

        # the bar of yesterday (two orders) on the volume chart
        yesterday = timefmt.day_text(timefmt.local(today).date() - timedelta(days=1))
        x, y = page.evaluate(
            """(day) => {
              const el = document.querySelector('.chart[data-spec="chart-volume"]');
              el.scrollIntoView({block: "center"});
              const chart = echarts.getInstanceByDom(el);
              const spec = JSON.parse(document.getElementById("chart-volume").textContent);
              const index = spec.categories.indexOf(day);
              const [px, py] = chart.convertToPixel({seriesIndex: 0}, [index, 1]);
              const box = el.getBoundingClientRect();
              return [box.left + px, box.top + py];
            }""",
            yesterday,
        )
        page.mouse.move(x, y)  # the tooltip: no inline style either
        page.wait_for_timeout(300)
        assert page.evaluate("window.__csp") == [] and console == []
        page.mouse.click(x, y)
        page.wait_for_url(lambda url: "/work/ledger/" in url)
        assert f"date_from={yesterday}" in page.url and "figure=orders" in page.url
        assert "channel=deputy_call" in page.url
    finally:
        context.close()
        cache.clear()
