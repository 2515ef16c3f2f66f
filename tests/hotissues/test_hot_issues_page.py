"""The hot-issues page (/work/hot/): topics of a selection with their counts, trend, places and
shares, a masked example, the click-through and the promote link; who may read it."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from minyi.accounts.models import Role
from minyi.hotissues.models import TopicRun
from minyi.orders.models import Channel, Satisfaction
from minyi.orders.services.closing import order_callback
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    HandlerFactory,
    LiaisonStationFactory,
    MessageFactory,
    RegionFactory,
    UserFactory,
    at,
    make_order,
)
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

NOVEMBER = "/work/hot/?month=2026-11"

LIGHTS = [
    ("幸福小区路灯不亮", "幸福小区三栋门口的路灯坏了一个多月，晚上漆黑一片，老人出门很不方便。"),
    (
        "小区路灯坏了没人修",
        "幸福小区北门路灯不亮，晚上回家看不清路，已经有人摔倒，请尽快维修路灯。",
    ),
    ("路灯晚上不亮", "幸福小区里面好几盏路灯晚上都不亮，黑灯瞎火的，希望有关部门修一下路灯。"),
]
NOISE = [
    ("工地夜间施工噪音扰民", "建设路工地每天晚上十一点以后还在施工，噪音很大，附近居民无法休息。"),
    ("夜里施工太吵", "建设路那个工地半夜还在打桩施工，噪音吵得小孩睡不着觉，请管一管夜间施工。"),
]


def lights(n: int, day: int, month: int = 11, state: str = "accepted", **fields):
    return [
        make_order(
            state,
            at=at(2026, month, day + i, 10),
            title=LIGHTS[i % 3][0],
            content=LIGHTS[i % 3][1],
            **fields,
        )
        for i in range(n)
    ]


@pytest.fixture
def liaison(client):
    return sign_in(client, UserFactory(role=Role.LIAISON))


@pytest.fixture
def november(db):
    """Three orders on street lights in November (one in October), two on night works."""
    region = RegionFactory(name="韶山冲")
    lit = lights(3, 2, region=region)
    lights(1, 5, month=10)
    works = [
        make_order("accepted", at=at(2026, 11, 10 + i, 10), title=t, content=c)
        for i, (t, c) in enumerate(NOISE)
    ]
    return {"lights": lit, "works": works, "region": region}


def topic_rows(response) -> list[dict]:
    html = response.content.decode()
    out = []
    for found in re.finditer(r'<tr data-topic="(\d+)">(.*?)</tr>', html, re.S):
        out.append({"id": int(found.group(1)), "html": found.group(2)})
    return out


def test_the_liaison_officer_sees_the_topics_ranked_with_their_trend(liaison, november):
    response = liaison.get(NOVEMBER)
    assert response.status_code == 200
    rows = topic_rows(response)
    assert len(rows) == 2
    first, second = rows
    assert "路灯" in first["html"] and "施工" in second["html"]
    # lights: 3 in November against 1 in October; night works are new
    assert "+2（+200%）" in first["html"]
    assert "新出现" in second["html"]
    assert "韶山冲（3）" in first["html"]
    summary = response.content.decode()
    assert "本期诉求 5 件，归入 2 个话题" in summary


def test_the_previous_period_of_a_date_range_is_the_same_length_just_before(liaison, november):
    response = liaison.get("/work/hot/?date_from=2026-11-01&date_to=2026-11-04")
    html = response.content.decode()
    assert "上一期：2026-10-28 至 2026-10-31" in html
    assert len(topic_rows(response)) == 1  # the lights of Nov 2, 3 and 4


def test_the_filters_narrow_the_orders_grouped(liaison, november):
    region = november["region"].pk
    rows = topic_rows(liaison.get(f"{NOVEMBER}&region={region}"))
    assert len(rows) == 1 and "路灯" in rows[0]["html"]
    # the deputy channels hold none of these citizen calls
    response = liaison.get(f"{NOVEMBER}&channel=")
    assert topic_rows(response) == [] and "没有可归类的热点问题" in response.content.decode()
    assert topic_rows(liaison.get(f"{NOVEMBER}&channel={Channel.CITIZEN_CALL}"))


def test_a_department_filter_counts_the_orders_of_that_department(liaison, db):
    lead = DepartmentFactory(name="城市管理局")
    lights(2, 2, state="dispatched", lead=lead)
    lights(2, 2, state="dispatched")
    response = liaison.get(f"{NOVEMBER}&department={lead.pk}")
    rows = topic_rows(response)
    assert len(rows) == 1
    assert ">2<" in rows[0]["html"] and "城市管理局" in rows[0]["html"]


def test_the_shares_overdue_unsolved_and_dissatisfied_read_the_ledger(liaison, db):
    agent = UserFactory(role=Role.CALLBACK)
    dissatisfied = make_order(
        "replied", at=at(2026, 11, 2, 10), title=LIGHTS[0][0], content=LIGHTS[0][1]
    )
    order_callback(
        order=dissatisfied, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=agent
    )
    # dispatched on Nov 3 and never answered: overdue by now
    make_order("dispatched", at=at(2026, 11, 3, 10), title=LIGHTS[1][0], content=LIGHTS[1][1])
    make_order("archived", at=at(2026, 11, 4, 10), title=LIGHTS[2][0], content=LIGHTS[2][1])
    rows = topic_rows(liaison.get(NOVEMBER))
    assert len(rows) == 1
    html = rows[0]["html"]
    assert re.search(r'data-label="未解决">50%<br><span class="muted">1/2', html)
    assert re.search(r'data-label="不满意">50%<br><span class="muted">1/2', html)
    assert re.search(r'data-label="超期">\d+%<br><span class="muted">[1-3]/3', html)


def test_an_empty_period_says_so(liaison, db):
    response = liaison.get("/work/hot/?month=2026-06")
    assert response.status_code == 200
    assert "没有可归类的热点问题" in response.content.decode()
    assert "本期诉求 0 件" in response.content.decode()


def test_a_bad_filter_is_a_chinese_message_not_an_error(liaison, db):
    response = liaison.get("/work/hot/?month=2026-13")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_the_charts_click_through_to_the_topic_pages(liaison, november):
    response = liaison.get(NOVEMBER)
    html = response.content.decode()
    spec = json.loads(re.search(r'id="chart-counts"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [s["name"] for s in spec["series"]] == ["本期", "上一期"]
    assert spec["series"][0]["data"][0]["value"] == 3
    assert spec["series"][1]["data"][0]["value"] == 1
    url = spec["series"][0]["data"][0]["url"]
    topic = liaison.get(url)
    assert topic.status_code == 200
    for order in november["lights"]:
        assert f"/work/orders/{order.number}/" in topic.content.decode()
    assert november["works"][0].number not in topic.content.decode()
    assert "<script>" not in html  # CSP: the data is json_script, drawn by a static file


def test_the_promote_link_prefills_a_clue_with_the_topic(liaison, november):
    html = liaison.get(NOVEMBER).content.decode()
    link = re.search(r'href="(/work/clues/new/\?[^"]+)" data-promote', html).group(1)
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert sorted(int(pk) for pk in query["orders"][0].split(",")) == sorted(
        o.pk for o in november["lights"]
    )
    assert "路灯" in query["title"][0]
    assert "3 件（上一期 1 件）" in query["summary"][0] and "韶山冲" in query["summary"][0]


def test_the_example_is_masked_and_a_whistle_blower_never_is_one(liaison, db):
    content = "幸福小区路灯不亮，联系电话13912345678，路灯坏了一个月没人修。"
    make_order("accepted", at=at(2026, 11, 2, 10), title="路灯不亮", content=content)
    make_order("accepted", at=at(2026, 11, 3, 10), title="路灯不亮", content=content)
    secret = "化工厂夜里偷排废水到河里，举报人不愿透露身份，河水发黑发臭。"
    for day in (5, 6):
        make_order(
            "accepted",
            at=at(2026, 11, day, 10),
            title="化工厂偷排废水",
            content=secret,
            request_type_code="report",  # a report (举报): the reporter is protected
        )
    response = liaison.get(NOVEMBER)
    html = response.content.decode()
    assert "13912345678" not in html and "139****5678" in html
    assert len(topic_rows(response)) == 2
    assert "偷排" in html  # the topic's key terms
    assert secret[:10] not in html
    assert "示例不予显示" in html


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.CALLBACK, Role.DEPUTY, Role.STATION, Role.ADMIN, Role.AUDIT]
)
def test_other_roles_are_refused(client, db, role):
    extra = {"station": LiaisonStationFactory()} if role == Role.STATION else {}
    sign_in(client, UserFactory(role=role, **extra))
    assert client.get(NOVEMBER).status_code == 403


def test_a_department_handler_is_refused_every_page(client, november, liaison):
    liaison.get(NOVEMBER)
    run = TopicRun.objects.get()
    topic = run.result["topics"][0]["id"]
    sign_in(client, HandlerFactory())
    for url in (NOVEMBER, f"/work/hot/runs/{run.pk}/", f"/work/hot/runs/{run.pk}/topics/{topic}/"):
        assert client.get(url).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, db):
    response = client.get(NOVEMBER)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_dispatcher_reads_the_orders_topics_without_messages_or_promotion(client, db):
    deputy = DeputyFactory()
    lights(2, 2)
    for day in (3, 4):
        MessageFactory(
            deputy=deputy,
            content="建设路工地夜间施工噪音扰民，半夜还在打桩，吵得睡不着，请管一管。",
            created_at=at(2026, 11, day, 9),
        )
    sign_in(client, UserFactory(role=Role.DISPATCHER))
    html = client.get(NOVEMBER).content.decode()
    assert len(topic_rows(client.get(NOVEMBER))) == 1
    assert "打桩" not in html and "/work/clues/new/" not in html


def test_the_liaison_officer_reads_messages_in_the_topics_masked(liaison, db):
    deputy = DeputyFactory()
    for day in (3, 4):
        MessageFactory(
            deputy=deputy,
            name="张三丰",
            content="我是张三丰，建设路工地夜间施工噪音扰民，半夜还在打桩，电话13700001111。",
            created_at=at(2026, 11, day, 9),
        )
    html = liaison.get(NOVEMBER).content.decode()
    assert "打桩" in html and "码上找代表留言" in html
    # neither in the example nor among the key terms, which are read off the texts
    assert "张三丰" not in html and "13700001111" not in html


def test_a_dispatcher_cannot_open_the_liaison_officers_run(client, liaison, november):
    liaison.get(NOVEMBER)
    run = TopicRun.objects.get()
    topic = run.result["topics"][0]["id"]
    sign_in(client, UserFactory(role=Role.DISPATCHER))
    assert client.get(f"/work/hot/runs/{run.pk}/topics/{topic}/").status_code == 404


def test_a_big_text_is_cut_before_grouping_and_in_the_example(liaison, db):
    long = "幸福小区路灯不亮，晚上漆黑一片。" + "老人出门很不方便，希望尽快维修。" * 300
    for day in (2, 3):
        make_order("accepted", at=at(2026, 11, day, 10), title="路灯不亮", content=long)
    response = liaison.get(NOVEMBER)
    assert response.status_code == 200
    rows = topic_rows(response)
    assert len(rows) == 1 and len(rows[0]["html"]) < 5000


@pytest.mark.parametrize("role", [Role.LIAISON, Role.DISPATCHER])
def test_the_header_links_the_page_for_its_readers(client, db, role):
    sign_in(client, UserFactory(role=role))
    assert '<a href="/work/hot/">热点问题</a>' in client.get(NOVEMBER).content.decode()


def test_the_header_does_not_link_it_for_a_department(client, db):
    sign_in(client, HandlerFactory())
    assert "/work/hot/" not in client.get("/work/", follow=True).content.decode()


def test_a_duplicate_merged_into_its_master_counts_once(liaison, db):
    lights(2, 2)
    merged = make_order("merged", at=at(2026, 11, 6, 10), title=LIGHTS[0][0], content=LIGHTS[0][1])
    response = liaison.get(NOVEMBER)
    html = response.content.decode()
    assert merged.number not in html
    # the two lights and the master make_order merged it into (its own matter)
    assert "已合并" not in html
    topic = topic_rows(response)[0]
    assert re.search(
        r'data-label="本期"><a href="/work/hot/runs/\d+/topics/\d+/">2</a>', topic["html"]
    )


def test_a_big_topic_links_its_first_orders_and_says_so(liaison, db, monkeypatch):
    from minyi.hotissues import presenters

    monkeypatch.setattr(presenters, "PROMOTE_ORDERS", 2)
    made = lights(3, 2)
    html = liaison.get(NOVEMBER).content.decode()
    link = re.search(r'href="(/work/clues/new/\?[^"]+)" data-promote', html).group(1)
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["orders"][0] == f"{made[0].pk},{made[1].pk}"
    assert "关联其中最早登记的 2 件工单" in query["summary"][0]


def test_messages_leave_the_topics_when_the_selection_narrows_by_what_they_lack(liaison, db):
    deputy, region = DeputyFactory(), RegionFactory()
    for day in (3, 4):
        MessageFactory(
            deputy=deputy,
            content="建设路工地夜间施工噪音扰民，半夜还在打桩，吵得睡不着，请管一管。",
            created_at=at(2026, 11, day, 9),
        )
    assert "打桩" in liaison.get(NOVEMBER).content.decode()
    narrowed = liaison.get(f"{NOVEMBER}&region={region.pk}").content.decode()
    assert "打桩" not in narrowed and "本期诉求 0 件" in narrowed
    # a citizen's call channel holds no messages either
    other = liaison.get(f"{NOVEMBER}&channel={Channel.CITIZEN_CALL}").content.decode()
    assert "打桩" not in other


def test_the_dispatcher_opens_a_topic_and_its_orders(client, db):
    made = lights(2, 2)
    sign_in(client, UserFactory(role=Role.DISPATCHER))
    html = client.get(NOVEMBER).content.decode()
    topic = re.search(r'href="(/work/hot/runs/\d+/topics/\d+/)"', html).group(1)
    page = client.get(topic)
    assert page.status_code == 200
    for order in made:
        assert f'href="/work/orders/{order.number}/"' in page.content.decode()
    assert client.get(f"/work/orders/{made[0].number}/").status_code == 200
