"""The dashboard (统计分析): its charts' data handed to the page with ``json_script``, every
figure and chart point clicking through to the ledger with the same filters, and who may read
the statistics pages."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.orders.models import Channel
from tests.factories import (
    CategoryFactory,
    DeputyFactory,
    HandlerFactory,
    LiaisonStationFactory,
    RegionFactory,
    UserFactory,
    at,
    make_order,
)
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

PAGES = ("/work/stats/", "/work/stats/departments/", "/work/stats/deputies/")
LATER = at(2026, 11, 30, 12)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard keeps finished days' and months' counts in the cache: none between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def liaison(client):
    return sign_in(client, UserFactory(role=Role.LIAISON))


@pytest.fixture
def november(db):
    deputy = DeputyFactory()
    region, category = RegionFactory(name="韶山冲"), CategoryFactory(name="市容环境")
    call = {"channel": Channel.DEPUTY_CALL, "deputy": deputy}
    for day in (2, 3, 3):
        make_order("archived", at=at(2026, 11, day, 10), region=region, category=category, **call)
    make_order("accepted", at=at(2026, 11, 10, 10), channel=Channel.QR_MESSAGE, deputy=deputy)
    make_order("accepted", at=at(2026, 11, 3, 10))  # a citizen's call
    return region, category


def spec(response, element_id: str) -> dict:
    """The chart spec the page hands to charts.js."""
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no json_script {element_id}"
    return json.loads(match.group(1))


def params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert parts.path == "/work/ledger/"
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_the_figures_table_links_each_count_and_rate_to_the_ledger(november, liaison):
    with clock.frozen(LATER):
        response = liaison.get("/work/stats/?month=2026-11")

    assert response.status_code == 200
    counts = {c["key"]: c for c in response.context["figures"]["counts"]}
    assert counts["orders"]["value"] == 4 and counts["closed"]["value"] == 3
    assert counts["orders"]["url"] == "/work/ledger/?month=2026-11&figure=orders"
    page = response.content.decode()
    assert 'href="/work/ledger/?month=2026-11&amp;figure=closed"' in page
    rates = {r["key"]: r for r in response.context["figures"]["rates"]}
    satisfaction = rates["satisfaction_rate"]
    assert satisfaction["value"] is None and satisfaction["n"] == 3  # below 10
    assert satisfaction["numerator_url"] == "/work/ledger/?month=2026-11&figure=satisfied"
    assert satisfaction["n_url"] == "/work/ledger/?month=2026-11&figure=rated"
    assert "样本不足" in page


def test_the_volume_chart_is_per_day_by_channel_and_each_bar_opens_its_orders(november, liaison):
    with clock.frozen(LATER):
        response = liaison.get("/work/stats/?month=2026-11")

    volume = spec(response, "chart-volume")
    assert volume["categories"][0] == "2026-11-01" and len(volume["categories"]) == 30
    calls, messages = volume["series"]
    assert calls["name"] == "代表来电" and messages["name"] == "码上找代表"
    assert [p["value"] for p in calls["data"][:4]] == [0, 1, 2, 0]
    assert params(calls["data"][2]["url"]) == {
        "date_from": "2026-11-03",
        "date_to": "2026-11-03",
        "channel": "deputy_call",
        "figure": "orders",
    }
    assert sum(p["value"] for p in messages["data"]) == 1


def test_weekly_and_monthly_buckets_in_beijing_time(november, liaison):
    make_order(
        "accepted", at=at(2026, 12, 1, 0, 30), channel=Channel.DEPUTY_CALL, deputy=DeputyFactory()
    )  # 30 Nov 16:30 UTC: December in Beijing

    with clock.frozen(at(2026, 12, 1, 12)):
        monthly = spec(liaison.get("/work/stats/?unit=month"), "chart-volume")
        weekly = spec(liaison.get("/work/stats/?unit=week&month=2026-11"), "chart-volume")

    assert monthly["categories"][-2:] == ["2026-11", "2026-12"]
    calls = monthly["series"][0]["data"]
    assert [p["value"] for p in calls[-2:]] == [3, 1]
    assert params(calls[-2]["url"])["month"] == "2026-11"
    # November 2026 starts on a Sunday: the first week is cut to the month's first day
    assert weekly["categories"][0] == "2026-10-26起"
    first_week = weekly["series"][0]["data"][0]
    assert params(first_week["url"])["date_from"] == "2026-11-01"
    assert params(first_week["url"])["date_to"] == "2026-11-01"
    assert weekly["series"][0]["data"][1]["value"] == 3  # 2, 3 and 3 November


def test_the_filters_carry_into_every_link_and_narrow_every_chart(november, liaison):
    region, category = november
    query = f"month=2026-11&channel=all&region={region.pk}&category={category.pk}"

    with clock.frozen(LATER):
        response = liaison.get(f"/work/stats/?{query}")

    counts = {c["key"]: c for c in response.context["figures"]["counts"]}
    assert counts["orders"]["value"] == 3
    assert params(counts["orders"]["url"]) == {
        "month": "2026-11",
        "channel": "all",
        "region": str(region.pk),
        "category": str(category.pk),
        "figure": "orders",
    }
    top = spec(response, "chart-categories")
    assert top["categories"] == ["市容环境"] and top["series"][0]["data"][0]["value"] == 3
    assert params(top["series"][0]["data"][0]["url"])["category"] == str(category.pk)
    regions = spec(response, "chart-regions")
    assert regions["categories"] == ["韶山冲"]


def test_the_rates_chart_is_twelve_months_and_each_point_opens_the_month(november, liaison):
    with clock.frozen(LATER):
        trend = spec(liaison.get("/work/stats/?month=2026-11"), "chart-trend")

    assert trend["categories"][0] == "2025-12" and trend["categories"][-1] == "2026-11"
    assert [s["name"] for s in trend["series"]][0] == "按时签收率"
    point = trend["series"][4]["data"][-1]  # 满意率, November: 3 rated, below the sample
    assert point["value"] is None and point["n"] == 3
    assert params(point["url"]) == {"month": "2026-11", "figure": "rated"}


def test_the_department_filter_reads_any_part(november, liaison):
    handler = HandlerFactory()
    make_order(
        "signed",
        at=at(2026, 11, 5, 10),
        handler=handler,
        channel=Channel.DEPUTY_CALL,
        deputy=DeputyFactory(),
    )

    with clock.frozen(LATER):
        response = liaison.get(f"/work/stats/?month=2026-11&department={handler.department_id}")

    counts = {c["key"]: c for c in response.context["figures"]["counts"]}
    assert counts["orders"]["value"] == 1
    assert f"department={handler.department_id}" in counts["orders"]["url"]


def test_a_bad_filter_says_so(liaison):
    response = liaison.get("/work/stats/?month=2026-13")

    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_the_page_loads_echarts_and_charts_js_from_our_static_files_no_inline_script(liaison):
    page = liaison.get("/work/stats/").content.decode()

    assert "vendor/echarts/echarts.min.js" in page and "ledger/charts.js" in page
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert scripts and all('type="application/json"' in attrs for attrs in scripts)


@pytest.mark.parametrize("path", PAGES)
def test_the_liaison_officer_reads_each_page_and_the_header_links_them(liaison, path):
    response = liaison.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    for href, label in (
        ("/work/stats/", "统计分析"),
        ("/work/stats/departments/", "部门考核"),
        ("/work/stats/deputies/", "代表履职"),
    ):
        assert f'<a href="{href}">{label}</a>' in page


@pytest.mark.parametrize(
    "role",
    [Role.HANDLER, Role.DEPUTY, Role.DISPATCHER, Role.OPERATOR, Role.CALLBACK, Role.STATION],
)
@pytest.mark.parametrize("path", PAGES)
def test_other_roles_are_refused(client, role, path):
    if role == Role.HANDLER:
        user = HandlerFactory()
    elif role == Role.STATION:
        user = UserFactory(role=role, station=LiaisonStationFactory())
    else:
        user = UserFactory(role=role)
    sign_in(client, user)

    response = client.get(path)

    assert response.status_code == 403
    assert "统计分析" not in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_finished_day_is_counted_once_a_while_and_today_afresh(november, liaison):
    call = {"channel": Channel.DEPUTY_CALL, "deputy": DeputyFactory()}
    with clock.frozen(at(2026, 11, 10, 12)):
        first = liaison.get("/work/stats/?month=2026-11")
    make_order("accepted", at=at(2026, 11, 10, 9), **call)  # today: counted at once
    make_order("accepted", at=at(2026, 11, 3, 9), **call)  # a finished day: from the cache
    with clock.frozen(at(2026, 11, 10, 13)):
        second = liaison.get("/work/stats/?month=2026-11")
    cache.clear()
    with clock.frozen(at(2026, 11, 10, 14)):
        third = liaison.get("/work/stats/?month=2026-11")

    def orders(response):
        return {c["key"]: c["value"] for c in response.context["figures"]["counts"]}["orders"]

    assert orders(first) == 4 and orders(second) == 5 and orders(third) == 6


def test_a_long_period_is_drawn_in_longer_buckets(november, liaison):
    with clock.frozen(LATER):
        response = liaison.get("/work/stats/?date_from=2024-01-01&date_to=2026-11-30")

    volume = spec(response, "chart-volume")
    assert volume["unit"] == "week" and len(volume["categories"]) <= 400
    counts = {c["key"]: c["value"] for c in response.context["figures"]["counts"]}
    assert counts["orders"] == 4
    assert sum(p["value"] for p in volume["series"][0]["data"]) == 3


@pytest.mark.parametrize(
    "query",
    ["month=9999-12", "date_from=9999-12-31", "unit=%00&sort=%00&page=-1", "channel=x&level=x"],
)
@pytest.mark.parametrize("path", PAGES)
def test_hostile_parameters_get_a_page_not_an_error(liaison, path, query):
    assert liaison.get(f"{path}?{query}").status_code in (200, 400)


def test_a_period_longer_than_three_years_is_refused_in_words(client):
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.LIAISON))
    response = client.get("/work/stats/?date_from=2000-01-01&date_to=2099-12-31&channel=all")

    assert response.status_code == 400
    assert "统计时段最长三年" in response.content.decode()
