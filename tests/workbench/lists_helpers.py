"""Helpers shared by the list-page tests (tests/workbench/test_lists_*.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from minyi.accounts.models import Role
from minyi.orders.models import WorkOrder
from tests.factories import MONDAY, UserFactory, make_order

URLS = {
    "dispatch": "/work/dispatch/",
    "department": "/work/department/",
    "callback": "/work/callback/",
    "ledger": "/work/ledger/",
    "mine": "/work/mine/",
}


def liaison_user():
    """Lena of the liaison committee (联工委): reads the ledger."""
    return UserFactory(username="lena", last_name="林", first_name="娜", role=Role.LIAISON)


def deputy_user(deputy):
    return UserFactory(
        username="dora", last_name="杜", first_name="拉", role=Role.DEPUTY, deputy=deputy
    )


def numbers(response) -> list[str]:
    """The order numbers of the rows, in the order shown."""
    return re.findall(r'class="order-row" data-number="([^"]+)"', response.content.decode())


def next_link(response) -> str | None:
    found = re.search(r'rel="next" href="\?([^"]+)"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def staggered(state: str, count: int, **kwargs) -> list[WorkOrder]:
    """``count`` orders in ``state``, created one hour apart, so their deadlines differ."""
    return [make_order(state, at=MONDAY + timedelta(hours=i), **kwargs) for i in range(count)]
