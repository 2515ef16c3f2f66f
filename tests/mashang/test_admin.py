"""The system administrator replaces a lost card from the registry's lists in the admin."""

from __future__ import annotations

import pytest

from minyi.deputies.models import RegistryChange
from minyi.mashang.services import code_for
from tests.factories import LiaisonStationFactory

pytestmark = pytest.mark.django_db


def regenerate(client, url: str, pk: int):
    data = {"action": "regenerate_mashang_codes", "_selected_action": [pk]}
    return client.post(url, data, follow=True)


def test_the_administrator_regenerates_a_deputys_code_and_the_old_page_is_gone(
    admin_client, deputy, ada
):
    old = code_for(deputy)

    response = regenerate(admin_client, "/admin/deputies/deputy/", deputy.pk)

    new = code_for(deputy)
    assert new != old
    assert f"已为 1 个对象重新生成二维码，原二维码已停用（王代表：/m/{new.code}）。" in (
        response.content.decode()
    )
    assert admin_client.get(old.path).status_code == 404
    assert RegistryChange.objects.get(kind="code_regenerate").actor == ada


def test_the_administrator_regenerates_a_stations_code(admin_client):
    station = LiaisonStationFactory(name="银田镇人大代表联络站")
    old = code_for(station)

    regenerate(admin_client, "/admin/deputies/liaisonstation/", station.pk)

    assert code_for(station) != old


def test_the_audit_administrator_cannot_regenerate_a_code(audit_client, deputy):
    old = code_for(deputy)

    regenerate(audit_client, "/admin/deputies/deputy/", deputy.pk)

    assert code_for(deputy) == old
