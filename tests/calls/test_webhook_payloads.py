"""A bad payload is a structured 400, never a 500, and saves nothing."""

from __future__ import annotations

import pytest

from minyi.calls.models import CallLog

pytestmark = pytest.mark.django_db


def assert_invalid(response, *fields):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["error"]
    assert set(fields) <= set(body["fields"])
    assert not CallLog.objects.exists()


def test_broken_json_is_invalid(pbx):
    assert_invalid(pbx(raw=b'{"event": "ring",'))


def test_an_empty_body_is_invalid(pbx):
    assert_invalid(pbx(raw=b""))


def test_a_json_list_is_invalid(pbx):
    assert_invalid(pbx(raw=b'["ring"]'))


def test_an_unknown_event_is_invalid(pbx):
    assert_invalid(pbx(event="transfer", call_id="c-1"), "event")


def test_a_missing_call_id_is_invalid(pbx):
    assert_invalid(pbx(event="ring", **{"from": "13800138000"}), "call_id")


def test_a_blank_call_id_is_invalid(pbx):
    assert_invalid(pbx(event="ring", call_id="   "), "call_id")


def test_a_bad_time_is_invalid(pbx):
    assert_invalid(pbx(event="ring", call_id="c-1", at="yesterday"), "at")


def test_a_too_long_call_id_is_invalid(pbx):
    assert_invalid(pbx(event="ring", call_id="x" * 65), "call_id")


def test_a_wrong_type_is_invalid(pbx):
    assert_invalid(pbx(event="ring", call_id="c-1", agent={"ext": 8001}), "agent")


def test_a_non_json_content_type_with_a_json_body_is_read(client, pbx_token):
    response = client.post(
        "/api/cti/events",
        data=b'{"event": "ring", "call_id": "c-1"}',
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {pbx_token}",
    )
    assert response.status_code == 200
