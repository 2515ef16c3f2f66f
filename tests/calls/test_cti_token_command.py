"""``manage.py cti_token``: create prints the token last; list shows prefixes; revoke."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from minyi.calls.models import CtiToken

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("cti_token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_a_token_on_its_last_line_that_authenticates(client):
    token = run("create", "主 PBX").strip().splitlines()[-1]
    stored = CtiToken.objects.get(name="主 PBX")
    assert token not in (stored.token_hash, stored.prefix)
    response = client.post(
        "/api/cti/events",
        {"event": "ring", "call_id": "c-1", "from": "13800138000"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200


def test_create_refuses_a_name_in_use():
    run("create", "主 PBX")
    with pytest.raises(CommandError, match="已存在"):
        run("create", "主 PBX")


def test_list_shows_the_prefix_but_never_the_token():
    token = run("create", "主 PBX").strip().splitlines()[-1]
    listing = run("list")
    assert "主 PBX" in listing
    assert token[:6] in listing
    assert token not in listing


def test_revoke_stops_the_token(client):
    token = run("create", "主 PBX").strip().splitlines()[-1]
    assert "已吊销" in run("revoke", "主 PBX")
    response = client.post(
        "/api/cti/events",
        {"event": "ring", "call_id": "c-1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 401


def test_revoke_of_an_unknown_name_fails():
    with pytest.raises(CommandError, match="没有名称"):
        run("revoke", "nope")
