"""The demo's 码上找代表 side: station staff per station, 20 messages in their fates, enough for
the demo deputy's responsiveness row; the same every load."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from minyi.accounts.models import Role, User
from minyi.deputies.models import LiaisonStation
from minyi.mashang.models import Holder, Message, MessageStatus
from minyi.mashang.selectors import messages_visible_to
from minyi.mashang.station_scope import Scope
from minyi.mashang.stats import responsiveness

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("PORT", raising=False)


@pytest.fixture
def printed() -> str:
    out = StringIO()
    call_command("demo", orders=0, stdout=out)
    return out.getvalue()


def test_every_station_has_a_staff_log_in_printed_with_the_others(printed):
    for station in LiaisonStation.objects.all():
        staff = User.objects.get(role=Role.STATION, station=station)
        assert staff.username in printed
    assert "码上找代表选民留言 20 条" in printed


def test_the_messages_show_every_fate(printed):
    messages = Message.objects.all()
    assert messages.count() == 20
    assert messages.filter(status=MessageStatus.ANSWERED, rating__gt="").exists()
    assert messages.filter(status=MessageStatus.OPEN, holder=Holder.DEPUTY).exists()
    assert messages.filter(holder=Holder.STATION).exists()
    assert messages.filter(holder=Holder.LIAISON).exists()
    assert messages.filter(deputy_reminded_at__isnull=False).exists()
    assert messages.filter(station_told_at__isnull=False).exists()


def test_the_demo_deputy_has_a_responsiveness_row_and_the_station_sees_its_messages(printed):
    deputy = User.objects.get(username="deputy").deputy
    (row,) = [r for r in responsiveness(Scope(None, True)).deputies if r.key == deputy.pk]
    assert row.enough and row.median_hours is not None
    handed = Message.objects.filter(holder=Holder.STATION).first()
    staff = User.objects.get(role=Role.STATION, station=handed.station)
    assert messages_visible_to(staff).filter(pk=handed.pk).exists()


class _Undo(Exception):
    pass


def _messages() -> list:
    return sorted(
        Message.objects.values_list("tracking_code", "content", "status", "holder", "deputy__name")
    )


def test_two_loads_write_the_same_messages():
    from minyi.demo.loader import load_demo

    try:
        with transaction.atomic():
            load_demo(orders=0)
            first = _messages()
            raise _Undo
    except _Undo:
        pass
    load_demo(orders=0)

    assert _messages() == first and len(first) == 20
