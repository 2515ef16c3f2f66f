"""The ledger (工作台账): everything, read-only, each filter narrows correctly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.deputies.models import Level
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, CategoryFactory, DeputyFactory, RegionFactory, make_order, seat
from tests.workbench.lists_helpers import liaison_user, numbers

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_lena(client, db):
    client.force_login(liaison_user())
    return client


def test_the_ledger_shows_everything_newest_first(as_lena, hana):
    orders = [
        make_order(s, at=MONDAY + timedelta(hours=i), handler=hana)
        for i, s in enumerate(["accepted", "signed", "archived", "rejected"])
    ]
    assert numbers(as_lena.get("/work/ledger/")) == [o.number for o in reversed(orders)]


def test_filter_by_deputy_name(as_lena):
    wang = DeputyFactory(name="王建华")
    mine = make_order("accepted", deputy=wang, channel="deputy_call")
    make_order("accepted", deputy=DeputyFactory(name="赵敏"), channel="deputy_call")
    make_order("accepted")
    assert numbers(as_lena.get("/work/ledger/?deputy=建华")) == [mine.number]


def test_filter_by_mandate_level(as_lena):
    provincial = DeputyFactory(name="省代表", mandate=None)
    seat(provincial, "湖南省人大", Level.PROVINCIAL)
    township = DeputyFactory(name="乡代表", mandate=None)
    seat(township, "银田镇人大", Level.TOWNSHIP)
    wanted = make_order("accepted", deputy=provincial, channel="deputy_call")
    make_order("accepted", deputy=township, channel="deputy_call")
    make_order("accepted")
    assert numbers(as_lena.get("/work/ledger/?level=provincial")) == [wanted.number]


def test_filter_by_department(as_lena, hana, henry):
    a = make_order("signed", handler=hana)
    make_order("signed", handler=henry)
    make_order("accepted")
    response = as_lena.get(f"/work/ledger/?department={hana.department_id}")
    assert numbers(response) == [a.number]
    assert "主办：市城市管理和综合执法局" in response.content.decode()


def test_filter_by_region_and_category(as_lena):
    region, category = RegionFactory(), CategoryFactory()
    in_region = make_order("accepted", region=region)
    in_category = make_order("accepted", category=category)
    make_order("accepted")
    assert numbers(as_lena.get(f"/work/ledger/?region={region.pk}")) == [in_region.number]
    assert numbers(as_lena.get(f"/work/ledger/?category={category.pk}")) == [in_category.number]


def test_filter_by_state_warning_and_channel(as_lena, hana):
    signed = make_order("signed", handler=hana)
    web = make_order("accepted", channel="web")
    # dispatched a week ago and never signed for: the SLA scan turns it red
    red = make_order("dispatched", handler=hana, at=clock.now() - timedelta(days=7))
    sla_scan()
    assert numbers(as_lena.get("/work/ledger/?status=signed")) == [signed.number]
    assert numbers(as_lena.get("/work/ledger/?channel=web")) == [web.number]
    assert numbers(as_lena.get("/work/ledger/?warning=red")) == [red.number]


def test_filter_by_date_range_in_beijing_days(as_lena):
    make_order("accepted", at=MONDAY - timedelta(days=2))
    inside = make_order("accepted", at=MONDAY.replace(hour=23, minute=30))
    make_order("accepted", at=MONDAY + timedelta(days=1))
    response = as_lena.get("/work/ledger/?date_from=2026-03-01&date_to=2026-03-02")
    assert numbers(response) == [inside.number]


def test_filters_combine_and_survive_paging(as_lena):
    for i in range(55):
        make_order("accepted", channel="web", at=MONDAY + timedelta(minutes=i))
    make_order("accepted", channel="citizen_call")
    first = as_lena.get("/work/ledger/?channel=web&status=accepted")
    assert len(numbers(first)) == 50
    from tests.workbench.lists_helpers import next_link

    link = next_link(first)
    assert "channel=web" in link and "status=accepted" in link
    assert len(numbers(as_lena.get("/work/ledger/?" + link))) == 5


def test_bad_filter_values_are_a_400_not_a_500(as_lena):
    response = as_lena.get("/work/ledger/?department=999999&date_from=yesterday")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_the_ledger_costs_a_fixed_number_of_queries(as_lena, hana, django_assert_max_num_queries):
    for _ in range(8):
        make_order(
            "signed",
            handler=hana,
            region=RegionFactory(),
            category=CategoryFactory(),
            deputy=DeputyFactory(),
            channel="deputy_call",
        )
    as_lena.get("/work/ledger/")
    # session + user, the orders, and the filter form's choice lists (department, region,
    # category), the header's unread notices and its 选民留言 waiting for the liaison body
    # (码上找代表) — not one per row
    with django_assert_max_num_queries(8):
        response = as_lena.get("/work/ledger/")
    assert len(numbers(response)) == 8
