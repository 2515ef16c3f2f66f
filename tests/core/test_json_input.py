"""Every JSON body is read by one function: an object, at most 20 levels deep, no NUL or lone
surrogate, at most the upload limit — for the action API and the CTI webhook alike."""

from __future__ import annotations

import json

import pytest

from minyi.calls.models import CallLog
from minyi.core.json_input import MAX_DEPTH, JsonInputError, parse_json
from tests.factories import events, make_order

DEEP = ("[" * 100_000 + "]" * 100_000).encode()


def code_of(raw: bytes) -> str:
    with pytest.raises(JsonInputError) as info:
        parse_json(raw)
    assert info.value.message  # a Chinese sentence for the user
    return info.value.code


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"sign"', b"1", b"null", b"true"])
def test_a_body_that_is_not_an_object_is_refused(raw):
    assert code_of(raw) == "not_object"


@pytest.mark.parametrize(
    "raw", [DEEP, b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, b"[" * (MAX_DEPTH + 1)]
)
def test_deep_nesting_is_refused_without_exhausting_the_stack(raw):
    assert code_of(raw) in ("too_deep", "invalid_json")


def test_nesting_just_past_the_limit_is_too_deep():
    nested = {"a": 1}
    for _ in range(MAX_DEPTH):
        nested = {"a": nested}

    assert code_of(json.dumps(nested).encode()) == "too_deep"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"note": "a\\u0000b"}',
        b'{"note\\u0000": 1}',
        b'{"note": "\\ud800"}',
        b'{"n": ["\\udfff"]}',
    ],
)
def test_a_nul_or_a_lone_surrogate_in_any_string_is_refused(raw):
    assert code_of(raw) == "bad_encoding"


def test_invalid_utf8_is_refused():
    assert code_of(b'{"note": "\xff"}') == "bad_encoding"


@pytest.mark.parametrize(
    "raw", [b'{"a": NaN}', b'{"a": Infinity}', b"{", b"", b'{"a": ' + b"9" * 5000 + b"}"]
)
def test_what_json_cannot_mean_is_invalid(raw):
    assert code_of(raw) == "invalid_json"


def test_a_body_over_the_limit_is_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    with pytest.raises(JsonInputError) as info:
        parse_json(b'{"a": "' + b"x" * 1000 + b'"}')

    assert (info.value.status, info.value.code) == (413, "too_large")


def test_an_ordinary_body_is_read_as_it_is():
    body = {"lead": 1, "assisting": [2, 3], "note": "尽快\n办理", "urgent": True, "x": None}

    assert parse_json(json.dumps(body, ensure_ascii=False).encode()) == body


# -- through the action API -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[1, 2]", "not_object"),
        ('"s"', "not_object"),
        ("null", "not_object"),
        (DEEP.decode(), "too_deep"),
    ],
)
def test_the_action_api_refuses_a_body_it_cannot_use_and_changes_nothing(
    client, dan, hana, body, code
):
    order = make_order("dispatched", dispatcher=dan, handler=hana)
    before = len(events(order))
    client.force_login(hana)

    response = client.post(
        f"/api/orders/{order.number}/actions/sign/", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["error"]
    assert len(events(order)) == before


@pytest.mark.django_db
def test_a_nul_in_a_json_note_never_reaches_the_database(client, dan, hana):
    order = make_order("replied", dispatcher=dan, handler=hana)
    client.force_login(dan)

    response = client.post(
        f"/api/orders/{order.number}/actions/supervise/",
        data='{"level": "yellow", "note": "督办\\u0000"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_encoding"


# -- through the CTI webhook ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_webhook_refuses_deep_nesting_as_invalid(pbx):
    response = pbx(raw=DEEP)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not CallLog.objects.exists()


@pytest.mark.django_db
def test_the_webhook_refuses_a_nul_in_a_field(pbx):
    response = pbx(raw=b'{"event": "ring", "call_id": "c-1", "from": "138\\u0000"}')

    assert response.status_code == 400
    assert not CallLog.objects.exists()
