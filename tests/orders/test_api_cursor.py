"""A page cursor the API did not issue is a 400 ``invalid_cursor``: it never reaches the
database (``p=notadate`` used to be a 500) and is not mistaken for a missing page (a 404)."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from minyi.orders.api import NewestFirst
from tests.factories import MONDAY, make_order

pytestmark = pytest.mark.django_db


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "junk",
    [
        "cD1ub3RhZGF0ZQ==",  # p=notadate
        "!!not-base64!!",
        cursor("o=x"),
        cursor("p=0001-01-01 00:00:00+08:00"),
        cursor("p=9999-12-31 23:59:59+00:00"),
        cursor("p=2026-03-02\x00"),
        cursor("r=1&p=" + "9" * 5000),
    ],
)
def test_a_cursor_the_api_did_not_issue_is_400_invalid_cursor(client, dan, junk):
    client.force_login(dan)

    response = client.get("/api/orders/", {"cursor": junk})

    assert response.status_code == 400
    assert response.json() == {
        "error": "翻页参数无效或已被修改，请从第一页重新开始。",
        "code": "invalid_cursor",
    }


def test_the_cursor_the_api_gives_still_leads_to_the_next_page(client, dan, monkeypatch):
    orders = [make_order("accepted", at=MONDAY + timedelta(minutes=i)) for i in range(3)]
    monkeypatch.setattr(NewestFirst, "page_size", 2)
    client.force_login(dan)

    first = client.get("/api/orders/").json()
    second = client.get(first["next"]).json()

    numbers = [o["number"] for o in first["results"] + second["results"]]
    assert numbers == [o.number for o in reversed(orders)]
