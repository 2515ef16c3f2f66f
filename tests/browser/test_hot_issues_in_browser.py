"""The hot-issues page in a real browser under the CSP: the charts draw from json_script data
without a violation, a bar opens its topic, and a page left computing reloads itself once the
worker is done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.hotissues.models import TopicRun
from minyi.hotissues.services import topic_run_compute
from tests.factories import UserFactory, make_order
from tests.logins import sign_in

pytestmark = pytest.mark.browser

RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sample})`);
});
"""
TEXTS = [
    ("幸福小区路灯不亮", "幸福小区三栋门口的路灯坏了一个多月，晚上漆黑一片，老人出门很不方便。"),
    ("小区路灯坏了没人修", "幸福小区北门路灯不亮，晚上回家看不清路，请尽快维修路灯。"),
    ("路灯晚上不亮", "幸福小区里面好几盏路灯晚上都不亮，希望有关部门修一下路灯。"),
]


def _page(browser, server, user):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.add_init_script(RECORDER)
    cookie = sign_in(Client(), user).cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": server}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _orders():
    now = clock.now()
    for days, (title, content) in enumerate(TEXTS):
        make_order("accepted", at=now - timedelta(days=days + 1), title=title, content=content)


def test_the_charts_draw_and_a_bar_opens_its_topic(browser, asgi_server):
    _orders()
    context, page = _page(browser, asgi_server, UserFactory(role=Role.LIAISON))
    try:
        page.goto(asgi_server + "/work/hot/")
        for chart in ("chart-counts", "chart-shares"):
            page.wait_for_selector(f'.chart[data-spec="{chart}"] canvas')
        assert page.evaluate("window.__csp") == []
        x, y = page.evaluate(
            """() => {
              const el = document.querySelector('.chart[data-spec="chart-counts"]');
              el.scrollIntoView({block: "center"});
              const chart = echarts.getInstanceByDom(el);
              const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
              const box = el.getBoundingClientRect();
              return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
            }"""
        )
        page.mouse.click(x, y)
        page.wait_for_url(lambda url: "/topics/" in url)
        assert "幸福小区" in page.content()
    finally:
        context.close()


def test_a_computing_page_reloads_itself_when_the_run_is_done(browser, asgi_server, settings):
    settings.HOTISSUES_INLINE_MAX = 1
    _orders()
    context, page = _page(browser, asgi_server, UserFactory(role=Role.LIAISON))
    try:
        page.goto(asgi_server + "/work/hot/")
        page.wait_for_selector("#hot-pending")
        topic_run_compute(run_id=TopicRun.objects.get().pk)  # the worker
        page.wait_for_selector("#hot-topics")
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()
