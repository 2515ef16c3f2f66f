"""Page query budgets (issue 13): every order list and the order detail page run a fixed number
of statements, the same with 2 rows as with 20, within the budget written here. A row that
reads its deputy, its department or its pending request on its own shows up as a count that
grows with the page.

The budget is the count measured when it was written; a change that needs more says so here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minyi.core import clock
from minyi.orders.models import Warning
from minyi.orders.services.closing import order_supervise
from minyi.orders.services.handling import extension_request
from minyi.orders.services.tracking import tracking_done
from tests.factories import (
    MONDAY,
    CategoryFactory,
    DepartmentFactory,
    DeputyFactory,
    RegionFactory,
    lead_of,
    make_order,
)
from tests.workbench.lists_helpers import deputy_user, liaison_user, numbers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def _queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    if os.environ.get("SHOWQ"):  # what a failing count ran, statement by statement
        print(
            f"-- {url}",
            *(q["sql"][: int(os.environ["SHOWQ"])] for q in captured.captured_queries),
            sep="\n",
        )
    return len(captured), response


def _varied(i: int) -> dict:
    """Every row its own deputy (every other one), region and category: a row that reads its
    related names one by one costs one more statement per row."""
    return {
        "deputy": DeputyFactory() if i % 2 else None,
        "region": RegionFactory(),
        "category": CategoryFactory(),
    }


class People:
    def __init__(self, dan, hana, carl, deputy):
        self.dan, self.hana, self.carl, self.deputy = dan, hana, carl, deputy
        self.lena = liaison_user()
        self.dora = deputy_user(deputy)


def _orders(state: str, **kwargs) -> Callable[[People, int], None]:
    def make(p: People, n: int) -> None:
        for i in range(n):
            make_order(
                state, handler=p.hana, agent=p.carl, dispatcher=p.dan, **_varied(i), **kwargs
            )

    return make


def _extensions(p: People, n: int) -> None:
    for i in range(n):
        assignment = lead_of(make_order("signed", handler=p.hana, **_varied(i)))
        extension_request(
            assignment=assignment,
            requested_due=assignment.reply_due + timedelta(days=5),
            reason="需协调多个部门现场勘查",
            actor=p.hana,
        )


def _supervised(p: People, n: int) -> None:
    for i in range(n):
        order = make_order("signed", handler=p.hana, **_varied(i))
        order_supervise(order=order, level=Warning.YELLOW, note="督促整改", actor=p.dan)


def _confirming(p: People, n: int) -> None:
    for i in range(n):
        order = make_order("tracking", handler=p.hana, agent=p.carl, **_varied(i))
        tracking_done(order=order, text="已建成", actor=p.hana)


def _deputy_orders(p: People, n: int) -> None:
    for _ in range(n):
        make_order("replied", handler=p.hana, deputy=p.deputy, region=RegionFactory())


# (who, page, rows on it, budget). The budget counts the session and the user, the page's own
# statements and the header (its to-do counts, the unread notices, 选民留言 where shown).
LISTS = [
    ("dan", "/work/dispatch/?tab=accepted", _orders("accepted"), 6),
    ("dan", "/work/dispatch/?tab=returns", _orders("returned"), 8),
    ("dan", "/work/dispatch/?tab=extensions", _extensions, 8),
    ("dan", "/work/dispatch/?tab=supervision", _supervised, 6),
    ("dan", "/work/dispatch/?tab=tracking", _orders("tracking"), 5),
    ("dan", "/work/dispatch/?tab=acted", _orders("dispatched"), 5),
    ("dan", "/work/search/?q=占道", _orders("accepted"), 5),
    ("hana", "/work/department/?tab=pending", _orders("dispatched"), 7),
    ("hana", "/work/department/?tab=handling", _orders("signed"), 7),
    ("hana", "/work/department/?tab=replied", _orders("replied"), 6),
    ("hana", "/work/department/?tab=tracking", _orders("tracking"), 6),
    ("hana", "/work/department/?tab=acted", _orders("replied"), 6),
    ("carl", "/work/callback/?tab=replied", _orders("replied"), 7),
    ("carl", "/work/callback/?tab=callback", _orders("callback"), 7),
    ("carl", "/work/callback/?tab=confirming", _confirming, 6),
    ("carl", "/work/callback/?tab=tracking", _orders("tracking"), 6),
    ("carl", "/work/callback/?tab=acted", _orders("archived"), 6),
    ("dora", "/work/mine/", _deputy_orders, 5),
    ("lena", "/work/ledger/?channel=all", _orders("signed"), 10),
]


@pytest.mark.parametrize(
    ("who", "url", "make", "budget"), LISTS, ids=[f"{w} {u}" for w, u, _, _ in LISTS]
)
def test_an_order_list_costs_the_same_few_queries_with_2_rows_as_with_20(
    client, dan, hana, carl, deputy, who, url, make, budget
):
    people = People(dan, hana, carl, deputy)
    client.force_login(getattr(people, who))
    make(people, 2)
    client.get(url)  # warm: the session, the content types
    few, response = _queries(client, url)
    assert len(numbers(response)) == 2
    make(people, 18)
    many, response = _queries(client, url)
    assert len(numbers(response)) == 20
    assert many == few, f"{few} queries for 2 rows, {many} for 20"
    assert few <= budget, f"{few} queries, over the budget of {budget}"


# -- the order detail page --------------------------------------------------------------------


def _busy(order, p: People, n: int) -> None:
    """``n`` more supervisions: each an event on the timeline, by a person, with a note."""
    for i in range(n):
        order_supervise(order=order, level=Warning.YELLOW, note=f"第{i + 1}次督办", actor=p.dan)


# the order, its links, departments (with their requests), events, attachments, replies,
# callbacks, tracking, each once; what the role may do (its own part, the pending requests)
DETAIL_READERS = [
    ("dan", 17),
    ("hana", 18),
    ("carl", 16),
    ("lena", 15),
    ("dora", 18),
    ("olivia", 18),
]


@pytest.mark.parametrize(("who", "budget"), DETAIL_READERS, ids=[w for w, _ in DETAIL_READERS])
def test_the_order_detail_costs_the_same_few_queries_however_long_its_history(
    client, dan, hana, carl, olivia, deputy, who, budget
):
    people = People(dan, hana, carl, deputy)
    people.olivia = olivia
    assisting = [DepartmentFactory() for _ in range(3)]
    quiet = make_order(
        "callback",
        operator=olivia,
        handler=hana,
        agent=carl,
        deputy=deputy,
        assisting=assisting[:1],
    )
    busy = make_order(
        "callback", operator=olivia, handler=hana, agent=carl, deputy=deputy, assisting=assisting
    )
    _busy(quiet, people, 1)
    _busy(busy, people, 8)
    client.force_login(getattr(people, who))
    client.get(f"/work/orders/{quiet.number}/")  # warm
    few, _ = _queries(client, f"/work/orders/{quiet.number}/")
    many, _ = _queries(client, f"/work/orders/{busy.number}/")
    assert many == few, f"{few} queries for a quiet order, {many} for a busy one"
    assert few <= budget, f"{few} queries, over the budget of {budget}"
