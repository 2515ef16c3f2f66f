"""The admin creates tokens through the service and never shows the hash; call logs are read-only."""

from __future__ import annotations

import pytest

from minyi.calls.models import CtiToken
from minyi.calls.services import call_event_receive

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_token_and_sees_it_once(admin_client):
    response = admin_client.post("/admin/calls/ctitoken/add/", {"name": "备用 PBX"}, follow=True)
    assert response.status_code == 200
    token = CtiToken.objects.get(name="备用 PBX")
    page = response.content.decode()
    assert "只显示这一次" in page
    assert token.token_hash not in page
    detail = admin_client.get(f"/admin/calls/ctitoken/{token.pk}/change/").content.decode()
    assert token.token_hash not in detail
    assert f"{token.prefix}…" in detail


def test_the_call_log_pages_render_with_their_filters(admin_client, zhang):
    call = call_event_receive(event="ring", call_id="c-1", caller="13800138000")
    for url in (
        "/admin/calls/calllog/",
        "/admin/calls/calllog/?callback=open",
        "/admin/calls/calllog/?matched=yes&status=missed",
        f"/admin/calls/calllog/{call.pk}/change/",
        "/admin/calls/agentmapping/add/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "13800138000" not in response.content.decode()  # masked
