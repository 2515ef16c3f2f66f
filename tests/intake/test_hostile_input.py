"""Review: hostile input on the new endpoints answers 4xx, never 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def raising(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("value", ["²", "١", "99999999999999999999999", "-1", "1\x00"])
def test_console_candidates_survive_a_hostile_request_type(raising, olivia, value):
    raising.force_login(olivia)
    response = raising.post(
        "/intake/candidates/",
        {
            "title": "路灯不亮",
            "content": "小区门口路灯坏了很久",
            "request_type": value,
            "requester_phone": "13800138000",
            "address": "人民路1号",
        },
    )
    assert response.status_code < 500


@pytest.mark.parametrize("value", ["²", "1\x00", "99999999999999999999999", "-1"])
def test_hints_survive_hostile_ids(raising, olivia, dan, value):
    raising.force_login(olivia)
    assert raising.get("/work/hints/categories/", {"selected": value}).status_code < 500
    raising.force_login(dan)
    assert (
        raising.get(
            "/work/hot/",
            {"start": value, "end": value, "region": value, "department": value, "channel": value},
        ).status_code
        < 500
    )
    assert raising.get(f"/work/hints/orders/{value}/").status_code < 500
    assert raising.get(f"/intake/orders/{value}/candidates/").status_code < 500


@pytest.mark.parametrize(
    "phone", ["１３８００１３８０００", "+86²", "\x00", "1" * 40, "+8613800138000\u202e", "٠١٣٨"]
)
def test_console_candidates_survive_a_hostile_phone(raising, olivia, phone):
    raising.force_login(olivia)
    response = raising.post(
        "/intake/candidates/",
        {
            "title": "路灯\x00不亮" * 50,
            "content": "坏了" * 3000,
            "requester_phone": phone,
            "address": "人民路\x001号" * 40,
        },
    )
    assert response.status_code < 500


@pytest.mark.parametrize("title", ["路灯\x00不亮", "x" * 5000])
def test_hints_intake_panel_survives(raising, olivia, title):
    raising.force_login(olivia)
    response = raising.post("/work/hints/intake/", {"title": title, "content": title})
    assert response.status_code < 500
