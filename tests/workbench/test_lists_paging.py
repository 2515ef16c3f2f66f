"""Keyset paging: 50 a page, 下一页 by an opaque cursor, no gaps, no repeats; a forged cursor is
a 400 in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.orders.models import WorkOrder
from tests.factories import MONDAY, make_order
from tests.workbench.lists_helpers import liaison_user, next_link, numbers

pytestmark = pytest.mark.django_db


def _walk(client, url: str) -> list[list[str]]:
    pages, link = [], url
    while link:
        response = client.get(link)
        assert response.status_code == 200
        pages.append(numbers(response))
        following = next_link(response)
        link = url.split("?")[0] + "?" + following if following else None
    return pages


def test_cursor_paging_walks_a_queue_without_gaps_or_repeats(client, hana):
    # 120 pending orders, some sharing a deadline (same dispatch minute), some undated mixed in
    for i in range(60):
        make_order("dispatched", handler=hana, at=MONDAY + timedelta(minutes=i))
        make_order("dispatched", handler=hana, at=MONDAY + timedelta(minutes=i))
    undated = list(WorkOrder.objects.order_by("id")[:7].values_list("pk", flat=True))
    WorkOrder.objects.filter(pk__in=undated).update(sign_due=None)
    client.force_login(hana)
    pages = _walk(client, "/work/department/?tab=pending")
    assert [len(p) for p in pages] == [50, 50, 20]
    walked = [n for p in pages for n in p]
    assert len(walked) == len(set(walked)) == 120
    due = dict(WorkOrder.objects.values_list("number", "sign_due"))  # 待签收 sorts by it
    ids = dict(WorkOrder.objects.values_list("number", "id"))
    key = [(due[n] is None, due[n] or MONDAY, ids[n]) for n in walked]
    assert key == sorted(key)


def test_cursor_paging_walks_the_ledger_newest_first(client):
    for i in range(101):
        make_order("accepted", at=MONDAY + timedelta(minutes=i // 2))  # pairs share created_at
    client.force_login(liaison_user())
    pages = _walk(client, "/work/ledger/?channel=all")
    assert [len(p) for p in pages] == [50, 50, 1]
    walked = [n for p in pages for n in p]
    expected = list(
        WorkOrder.objects.order_by("-created_at", "-id").values_list("number", flat=True)
    )
    assert walked == expected


@pytest.mark.parametrize(
    ("cursor", "message"),
    [
        ("garbage", "翻页参数无效"),
        ("eyJhIjoxfQ", "翻页参数无效"),
        ("WyJkdWUiLG51bGwsMV0:1abc:forged", "翻页参数无效"),
        ("%00%ff", "不允许的字符"),  # refused by the request guard before the list runs
        ("", ""),
    ],
)
def test_a_tampered_cursor_is_a_400_with_a_chinese_message(client, dan, cursor, message):
    for _ in range(3):
        make_order("accepted")
    client.force_login(dan)
    response = client.get(f"/work/dispatch/?cursor={cursor}")
    if not cursor:  # an empty cursor is the first page
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_cursor_from_another_list_ordering_is_refused(client, dan):
    for i in range(51):
        make_order("accepted", at=MONDAY + timedelta(minutes=i))
    lena = liaison_user()
    client.force_login(lena)
    ledger_cursor = next_link(client.get("/work/ledger/?channel=all")).split("cursor=")[1]
    client.force_login(dan)
    assert client.get(f"/work/dispatch/?cursor={ledger_cursor}").status_code == 400


def test_no_page_counts_the_table(client, hana, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        make_order("dispatched", handler=hana)
    client.force_login(hana)
    with CaptureQueriesContext(connection) as captured:
        client.get("/work/department/")
    counts = [q["sql"].upper() for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    sql = " ".join(q["sql"].upper() for q in captured.captured_queries)
    assert "OFFSET" not in sql
    # only the header's to-do number and unread notices, each stopping at 100 rows
    assert len(counts) == 2 and all("LIMIT 100" in q for q in counts)


def test_the_list_says_how_many_are_on_this_page_not_a_page_size_it_does_not_have(client, dan):
    from tests.factories import make_order as order_in

    order_in("accepted")
    client.force_login(dan)

    html = client.get("/work/dispatch/").content.decode()

    assert "本页 1 件" in html and "每页" not in html


def test_a_deep_page_of_orders_sharing_one_deadline_starts_right_after_the_last_one_shown(
    client, hana
):
    # Every working-day deadline ends at 23:59:59: 60 orders signed the same morning share one.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(60):
        make_order("signed", handler=hana, at=MONDAY + timedelta(minutes=i % 3))
    assert WorkOrder.objects.values("next_due").distinct().count() <= 3
    client.force_login(hana)
    first = client.get("/work/department/?tab=handling")
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/work/department/?" + next_link(first))
    walked = numbers(first) + numbers(second)
    ids = dict(WorkOrder.objects.values_list("number", "id"))
    due = dict(WorkOrder.objects.values_list("number", "next_due"))
    assert len(walked) == len(set(walked)) == 60
    assert [(due[n], ids[n]) for n in walked] == sorted((due[n], ids[n]) for n in walked)
    # one row-value range on the (next_due, id) index, not a range on next_due and a filter
    table = '"orders_workorder"'
    row_value = f'({table}."next_due", {table}."id") >'
    assert any(row_value in q["sql"] for q in captured.captured_queries)


def test_the_tracked_orders_page_by_plan_date_and_id_without_gaps(client, hana, carl):
    from minyi.orders.models import Tracking
    from minyi.workbench import list_selectors

    for _ in range(7):
        make_order("tracking", handler=hana, agent=carl)
    Tracking.objects.update(plan_due=MONDAY.date() + timedelta(days=10))  # one plan date
    client.force_login(carl)
    queue = list_selectors.tracking_queue(carl)
    walked, cursor = [], None
    while True:
        page = list_selectors.page_by_plan_due(queue, cursor, size=3)
        walked += [o.pk for o in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert walked == sorted(walked) and len(walked) == 7
