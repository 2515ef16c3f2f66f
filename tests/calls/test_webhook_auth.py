"""The webhook is authenticated by a Bearer token; every failure is a 401 that saves nothing."""

from __future__ import annotations

import pytest

from minyi.calls.models import CallEvent, CallLog, CtiToken
from minyi.calls.services import cti_token_revoke

pytestmark = pytest.mark.django_db

RING = {"event": "ring", "call_id": "c-1", "from": "13800138000", "to": "12345"}


def assert_refused(response):
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.json()["error"]
    assert response["WWW-Authenticate"] == "Bearer"
    assert not CallLog.objects.exists()
    assert not CallEvent.objects.exists()


def test_it_refuses_a_request_without_authorization(pbx):
    assert_refused(pbx(RING, token=None))


def test_it_refuses_another_scheme(client, pbx_token):
    response = client.post(
        "/api/cti/events",
        RING,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {pbx_token}",
    )
    assert_refused(response)


def test_it_refuses_a_wrong_token(pbx):
    assert_refused(pbx(RING, token="not-the-token"))


def test_it_refuses_a_revoked_token(pbx, pbx_token):
    cti_token_revoke(token=CtiToken.objects.get())
    assert_refused(pbx(RING, token=pbx_token))


def test_it_checks_the_token_before_the_body(pbx):
    assert_refused(pbx(token="wrong", raw=b"{not json"))


def test_a_good_token_is_accepted_and_its_last_use_recorded(pbx):
    assert CtiToken.objects.get().last_used_at is None
    assert pbx(RING).status_code == 200
    assert CtiToken.objects.get().last_used_at is not None


def test_the_stored_value_is_not_the_token(pbx_token):
    token = CtiToken.objects.get()
    stored = [str(value) for value in CtiToken.objects.values_list().get()]
    assert pbx_token not in stored
    assert token.prefix == pbx_token[:6]
    assert len(token.token_hash) == 64
