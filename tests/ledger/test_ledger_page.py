"""The ledger page (工作台账): one row per order read from the ledger rows, the deputy channels
by default, each filter narrows, the counts of the filter, figure= clicks through to exactly what
a statistic counts, keyset paging, and who may open it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.deputies.models import Level
from minyi.ledger import stats
from minyi.orders.models import Channel
from minyi.orders.services.sla import sla_scan
from tests.factories import (
    MONDAY,
    CategoryFactory,
    DeputyFactory,
    RegionFactory,
    UserFactory,
    at,
    make_order,
    request_type,
    seat,
)
from tests.workbench.lists_helpers import deputy_user, liaison_user, next_link, numbers

pytestmark = pytest.mark.django_db


def call(state: str, **fields):
    """An order of a deputy's call (a new deputy unless one is given)."""
    fields.setdefault("channel", Channel.DEPUTY_CALL)
    if fields.get("deputy") is None:
        fields["deputy"] = DeputyFactory()
    return make_order(state, **fields)


@pytest.fixture
def as_lena(client, db):
    client.force_login(liaison_user())
    return client


def total(response) -> int:
    """The total the page fetches for its filter (the counts come after the table, by htmx)."""
    html = response.content.decode()
    found = re.search(r'hx-get="(/work/ledger/counts/[^"]*)"', html)
    assert found, html[:2000]
    counts = response.client.get(found.group(1).replace("&amp;", "&")).content.decode()
    return int(re.search(r"共 <strong>(\d+)</strong> 件", counts).group(1))


def test_the_ledger_shows_the_deputy_channels_by_default_and_every_channel_on_request(as_lena):
    by_phone = call("accepted", at=MONDAY)
    message = make_order("accepted", at=MONDAY + timedelta(hours=1), channel=Channel.QR_MESSAGE)
    citizen = make_order("accepted", at=MONDAY + timedelta(hours=2))

    assert numbers(as_lena.get("/work/ledger/")) == [message.number, by_phone.number]
    every = as_lena.get("/work/ledger/?channel=all")
    assert numbers(every) == [citizen.number, message.number, by_phone.number]
    assert total(every) == 3
    assert numbers(as_lena.get("/work/ledger/?channel=citizen_call")) == [citizen.number]


def test_the_ledger_shows_everything_newest_first(as_lena, hana):
    orders = [
        call(s, at=MONDAY + timedelta(hours=i), handler=hana)
        for i, s in enumerate(["accepted", "signed", "archived", "rejected"])
    ]
    assert numbers(as_lena.get("/work/ledger/")) == [o.number for o in reversed(orders)]


def test_a_row_shows_the_ledger_columns(as_lena, hana, li):
    order = call("archived", handler=hana, deputy=li, title="韶山路灯不亮", at=MONDAY)
    html = as_lena.get("/work/ledger/").content.decode()
    row = html[html.index(f'data-number="{order.number}"') :]
    row = row[: row.index("</tr>")]
    for text in (
        order.number,
        "2026-03-02 10:00",  # registered, Beijing time
        "李四",
        "市级",
        "代表来电",
        "投诉",
        "韶山路灯不亮",
        "市城市管理和综合执法局",
        "满意",
        "已解决",
        "已归档",
    ):
        assert text in row, text
    assert f'href="/work/orders/{order.number}/"' in row


def test_filter_by_deputy_name(as_lena):
    wang = DeputyFactory(name="王建华")
    mine = call("accepted", deputy=wang)
    call("accepted", deputy=DeputyFactory(name="赵敏"))
    call("accepted")
    assert numbers(as_lena.get("/work/ledger/?deputy=建华")) == [mine.number]


def test_filter_by_deputy_level_and_congress(as_lena):
    provincial = DeputyFactory(name="省代表", mandate=None)
    seat(provincial, "湖南省人大", Level.PROVINCIAL)
    township = DeputyFactory(name="乡代表", mandate=None)
    town = seat(township, "银田镇人大", Level.TOWNSHIP)
    wanted = call("accepted", deputy=provincial)
    local = call("accepted", deputy=township)
    call("accepted")
    assert numbers(as_lena.get("/work/ledger/?level=provincial")) == [wanted.number]
    assert numbers(as_lena.get(f"/work/ledger/?congress={town.congress_id}")) == [local.number]


def test_filter_by_lead_or_assisting_department(as_lena, hana, henry, dept_a):
    led = call("signed", handler=hana)
    assisted = call("signed", handler=henry, assisting=[dept_a])
    call("signed", handler=henry)
    call("accepted")
    response = as_lena.get(f"/work/ledger/?department={hana.department_id}")
    assert numbers(response) == [assisted.number, led.number]
    assert "市城市管理和综合执法局" in response.content.decode()


def test_filter_by_region_category_request_type_and_month(as_lena):
    region, category = RegionFactory(), CategoryFactory()
    in_region = call("accepted", region=region)
    in_category = call("accepted", category=category)
    advice = call("accepted", request_type_code="suggest")
    november = call("accepted", at=at(2026, 11, 30, 23, 30))
    call("accepted", at=at(2026, 12, 1, 0, 30))
    assert numbers(as_lena.get(f"/work/ledger/?region={region.pk}")) == [in_region.number]
    assert numbers(as_lena.get(f"/work/ledger/?category={category.pk}")) == [in_category.number]
    kind = request_type("suggest").pk
    assert numbers(as_lena.get(f"/work/ledger/?request_type={kind}")) == [advice.number]
    assert numbers(as_lena.get("/work/ledger/?month=2026-11")) == [november.number]


def test_filter_by_state_warning_channel_and_timeliness(as_lena, hana):
    signed = call("signed", handler=hana)
    web = make_order("accepted", channel="web")
    # dispatched a week ago and never signed for: the SLA scan turns it red
    red = call("dispatched", handler=hana, at=clock.now() - timedelta(days=7))
    sla_scan()
    assert numbers(as_lena.get("/work/ledger/?status=signed")) == [signed.number]
    assert numbers(as_lena.get("/work/ledger/?channel=web")) == [web.number]
    assert numbers(as_lena.get("/work/ledger/?warning=red")) == [red.number]
    assert numbers(as_lena.get("/work/ledger/?timeliness=overdue")) == [red.number]
    assert numbers(as_lena.get("/work/ledger/?timeliness=on_time")) == [signed.number]


def test_filter_by_date_range_in_beijing_days(as_lena):
    call("accepted", at=MONDAY - timedelta(days=2))
    inside = call("accepted", at=MONDAY.replace(hour=23, minute=30))
    call("accepted", at=MONDAY + timedelta(days=1))
    response = as_lena.get("/work/ledger/?date_from=2026-03-01&date_to=2026-03-02")
    assert numbers(response) == [inside.number]
    assert total(response) == 1


def test_filters_combine_and_survive_paging(as_lena):
    for i in range(55):
        make_order("accepted", channel="web", at=MONDAY + timedelta(minutes=i))
    make_order("accepted", channel="citizen_call")
    first = as_lena.get("/work/ledger/?channel=web&status=accepted")
    assert len(numbers(first)) == 50 and total(first) == 55
    link = next_link(first)
    assert "channel=web" in link and "status=accepted" in link
    assert len(numbers(as_lena.get("/work/ledger/?" + link))) == 5


def test_keyset_paging_walks_every_row_once_newest_first(as_lena):
    orders = [call("accepted", at=MONDAY + timedelta(minutes=i // 2)) for i in range(53)]
    walked, url = [], "/work/ledger/"
    while url:
        response = as_lena.get(url)
        walked += numbers(response)
        link = next_link(response)
        url = f"/work/ledger/?{link}" if link else None
    expected = sorted(orders, key=lambda o: (o.created_at, o.pk), reverse=True)
    assert walked == [o.number for o in expected]


def test_bad_filter_values_are_a_400_not_a_500(as_lena):
    for query in ("department=999999&date_from=yesterday", "month=2026-13", "figure=nonsense"):
        response = as_lena.get(f"/work/ledger/?{query}")
        assert response.status_code == 400, query
        assert "筛选条件有误" in response.content.decode()


def test_the_counts_strip_shows_the_figures_of_the_filtered_rows(as_lena, hana):
    call("archived", handler=hana)
    call("signed", handler=hana)
    call("rejected")
    make_order("archived", handler=hana)  # a citizen's call: not in the default filter
    html = as_lena.get("/work/ledger/counts/").content.decode()
    assert "共 <strong>3</strong> 件" in html
    assert re.search(r"受理 <strong>2</strong>", html)
    # 受理 = 办结 + 办理中: the refusal is registered, neither accepted nor 办结
    assert re.search(r"办结 <strong>1</strong>", html)
    assert re.search(r"办理中 <strong>1</strong>", html)


def _varied_month(hana, dan, carl):
    """Deputy orders of November in many states, and a citizen's that no count reads."""
    day = at(2026, 11, 3, 9)
    for i, state in enumerate(
        [
            "accepted",
            "dispatched",
            "signed",
            "replied",
            "callback",
            "tracking",
            "archived",
            "archived",
            "rejected",
            "merged",
            "returned",
            "escalated",
            "draft",
        ]
    ):
        call(
            state,
            at=day + timedelta(hours=i),
            handler=hana,
            dispatcher=dan,
            agent=carl,
        )
    make_order("dispatched", at=day, handler=hana, channel=Channel.QR_MESSAGE)
    make_order("archived", at=day, handler=hana)


def test_each_figure_clicks_through_to_exactly_the_orders_it_counts(as_lena, hana, dan, carl):
    _varied_month(hana, dan, carl)
    with clock.frozen(at(2026, 12, 1, 10)):
        counts = stats.figures(stats.rows_for(stats.Period.month(at(2026, 11, 1).date())))["counts"]
        for key in stats.COUNT_LABELS:
            response = as_lena.get(f"/work/ledger/?month=2026-11&figure={key}")
            assert response.status_code == 200, key
            assert total(response) == counts[key], key
            assert len(numbers(response)) == counts[key], key
    assert counts["orders"] > 10 and counts["closed"] > 0 and counts["dispatched"] > 0


def test_the_figure_shows_as_a_removable_chip(as_lena, hana):
    call("archived", handler=hana)
    html = as_lena.get("/work/ledger/?channel=all&figure=closed").content.decode()
    assert "统计口径：办结" in html
    assert 'href="?channel=all"' in html  # the chip's ×: the same filter without the figure


@pytest.mark.parametrize("role", [Role.HANDLER, Role.DEPUTY, Role.CALLBACK, Role.OPERATOR])
def test_other_roles_may_not_open_the_ledger(client, role, dept_a, deputy):
    user = (
        deputy_user(deputy)
        if role == Role.DEPUTY
        else UserFactory(role=role, department=dept_a if role == Role.HANDLER else None)
    )
    client.force_login(user)
    assert client.get("/work/ledger/").status_code == 403
    assert client.get("/work/ledger/counts/").status_code == 403


def test_an_anonymous_deputy_order_shows_no_name_and_its_title_is_cut(as_lena, zhang):
    hidden = call(
        "accepted",
        deputy=zhang,
        is_anonymous=True,
        title="张三反映银田镇积水",
    )
    html = as_lena.get("/work/ledger/").content.decode()
    assert hidden.number in html and "张三" not in html
    assert "〔保密〕反映银田镇积水" in html and "匿名" in html
    assert numbers(as_lena.get("/work/ledger/?deputy=张三")) == []
    assert numbers(as_lena.get("/work/ledger/?level=provincial")) == []


def test_the_ledger_costs_a_fixed_number_of_queries(as_lena, hana, django_assert_max_num_queries):
    for _ in range(8):
        call(
            "signed",
            handler=hana,
            region=RegionFactory(),
            category=CategoryFactory(),
            deputy=DeputyFactory(),
        )
    as_lena.get("/work/ledger/")
    # session + user, the rows (joined), the filter form's choice
    # lists (congress, region, department, category, request type), the header's unread
    # notices and its 选民留言 — not one per row
    with django_assert_max_num_queries(10):
        response = as_lena.get("/work/ledger/")
    assert len(numbers(response)) == 8
    # the counts: session + user, the statistics policy, one aggregate, and the header
    with django_assert_max_num_queries(6):
        assert as_lena.get("/work/ledger/counts/").status_code == 200


def test_a_phone_number_typed_into_a_title_is_masked_as_the_person_is(as_lena):
    make_order("accepted", at=at(2026, 11, 9, 10), title="王芳13812345678来电反映路灯不亮")

    page = as_lena.get("/work/ledger/?channel=all").content.decode()

    assert "王芳138****5678来电反映路灯不亮" in page
    assert "13812345678" not in page


def test_the_red_filter_pages_newest_first_across_pages(as_lena, hana, monkeypatch):
    # A few orders in one warning are read by their ids and sorted without the date index
    # (minyi/ledger/selectors._in_warning): the order and the cursor must stay the ledger's.
    from minyi.ledger import selectors

    monkeypatch.setattr(selectors.page, "__defaults__", (2,))  # two rows a page
    week_ago = clock.now() - timedelta(days=7)
    reds = [call("dispatched", handler=hana, at=week_ago + timedelta(hours=h)) for h in range(5)]
    call("signed", handler=hana)  # on time: never listed
    sla_scan()

    first = as_lena.get("/work/ledger/?warning=red")
    second = as_lena.get("/work/ledger/?" + next_link(first))
    third = as_lena.get("/work/ledger/?" + next_link(second))

    newest_first = [o.number for o in reversed(reds)]
    assert [len(numbers(r)) for r in (first, second, third)] == [2, 2, 1]
    assert numbers(first) + numbers(second) + numbers(third) == newest_first
    assert next_link(third) is None
