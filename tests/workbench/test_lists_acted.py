"""我已处理: each role finds again what they acted on lately (the ledger's actor), within what
they may see; and every list says only the sort it really uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.orders.models import WorkOrder
from tests.factories import make_order
from tests.workbench.lists_helpers import next_link, numbers

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def _html(client, user, url) -> str:
    return _get(client, user, url).content.decode()


def test_callback_agent_finds_the_order_they_just_archived_under_我已处理(client, carl, hana):
    archived = make_order("archived", handler=hana, agent=carl)
    make_order("archived", handler=hana)  # archived by someone else
    client.force_login(carl)
    assert numbers(client.get("/work/callback/")) == []  # no longer waiting for callback
    response = client.get("/work/callback/?tab=acted")
    assert numbers(response) == [archived.number]
    html = response.content.decode()
    assert "我已处理" in html and "按我最近处理时间倒序" in html and "按最近时限排序" not in html
    assert "<th>我处理于</th>" in html and ">归档<" in html
    # and the order itself opens: what they archived stays readable to them
    detail = client.get(f"/work/orders/{archived.number}/")
    assert detail.status_code == 200 and "已归档" in detail.content.decode()


def test_callback_agent_still_cannot_open_an_archived_order_they_never_touched(client, carl, hana):
    other = make_order("archived", handler=hana)
    client.force_login(carl)
    assert client.get(f"/work/orders/{other.number}/").status_code == 404


def test_我已处理_lists_what_the_user_did_last_first_and_forgets_after_thirty_days(
    client, dan, hana
):
    old = make_order("dispatched", dispatcher=dan, at=clock.now() - timedelta(days=31))
    first = make_order("dispatched", dispatcher=dan, at=clock.now() - timedelta(hours=2))
    second = make_order("dispatched", dispatcher=dan, at=clock.now() - timedelta(hours=1))
    make_order("dispatched", handler=hana)  # dispatched by someone else
    response = _get(client, dan, "/work/dispatch/?tab=acted")
    assert numbers(response) == [second.number, first.number]
    assert old.number not in response.content.decode()
    # the handler's own 我已处理: the one they signed for and answered
    replied = make_order("replied", handler=hana)
    assert numbers(_get(client, hana, "/work/department/?tab=acted")) == [replied.number]


def test_我已处理_pages_by_cursor_without_gaps_or_repeats(client, dan, monkeypatch):
    from minyi.workbench import list_selectors

    monkeypatch.setattr(list_selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(list_selectors.page_by_acted, "__defaults__", (2,))
    moment = clock.now() - timedelta(hours=1)
    for i in range(5):  # pairs acted in the same minute
        make_order("dispatched", dispatcher=dan, at=moment + timedelta(minutes=i // 2))
    client.force_login(dan)
    walked, link = [], "tab=acted"
    while link:
        response = client.get(f"/work/dispatch/?{link}")
        walked += numbers(response)
        link = next_link(response)
    expected = list(
        WorkOrder.objects.order_by("-created_at", "-id").values_list("number", flat=True)
    )
    assert walked == expected


def test_lists_without_deadlines_do_not_say_they_sort_by_deadline(client, carl, hana, dan):
    make_order("replied", handler=hana)
    callback = _html(client, carl, "/work/callback/")
    assert "按答复时间先后排序" in callback and "<th>答复时间</th>" in callback
    assert "时限排序" not in callback
    replied = _html(client, hana, "/work/department/?tab=replied")
    assert "按登记时间倒序" in replied and "时限排序" not in replied
    # where deadlines run, the lists still say so
    assert "按签收时限排序" in _html(client, hana, "/work/department/")
    assert "按最近时限排序" in _html(client, dan, "/work/dispatch/")
