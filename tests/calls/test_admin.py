"""The security administrator creates tokens through the service and never sees the hash; the
system administrator reads call logs, masked."""

from __future__ import annotations

import pytest

from minyi.calls.models import CtiToken
from minyi.calls.services import call_event_receive

pytestmark = pytest.mark.django_db


def test_the_security_administrator_creates_a_token_and_sees_it_once(security_client):
    response = security_client.post("/admin/calls/ctitoken/add/", {"name": "备用 PBX"}, follow=True)
    assert response.status_code == 200
    token = CtiToken.objects.get(name="备用 PBX")
    page = response.content.decode()
    assert "只显示这一次" in page
    assert token.token_hash not in page
    detail = security_client.get(f"/admin/calls/ctitoken/{token.pk}/change/").content.decode()
    assert token.token_hash not in detail
    assert f"{token.prefix}…" in detail


def test_the_call_log_pages_render_with_their_filters_and_the_caller_masked(admin_client, zhang):
    call = call_event_receive(event="ring", call_id="c-1", caller="13800138000")
    for url in (
        "/admin/calls/calllog/",
        "/admin/calls/calllog/?callback=open",
        "/admin/calls/calllog/?matched=yes&status=missed",
        f"/admin/calls/calllog/{call.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "13800138000" not in response.content.decode()  # in rows and the PBX's payload
    for url in ("/admin/calls/calllog/", f"/admin/calls/calllog/{call.pk}/change/"):
        assert "138****8000" in admin_client.get(url).content.decode()


def test_the_security_administrator_maps_extensions(security_client, olivia):
    response = security_client.post(
        "/admin/calls/agentmapping/add/", {"extension": "8001", "user": olivia.pk}
    )

    assert response.status_code == 302
    assert olivia.extensions.get().extension == "8001"
