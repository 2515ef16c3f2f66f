"""码上找代表's codes: one per deputy or station, unguessable, regenerated when a card is lost."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from minyi.core import clock
from minyi.deputies.models import RegistryChange
from minyi.mashang.models import MashangCode
from minyi.mashang.services import code_for, code_regenerate
from tests.factories import MONDAY, DeputyFactory, LiaisonStationFactory

pytestmark = pytest.mark.django_db

SHAPE = re.compile(r"^[23456789abcdefghjkmnpqrstuvwxyz]{10}$")


def test_a_deputy_keeps_the_same_short_unambiguous_code_every_time_it_is_asked_for(deputy):
    first = code_for(deputy)

    assert SHAPE.match(first.code)
    assert code_for(deputy) == first
    assert MashangCode.objects.filter(deputy=deputy).count() == 1


def test_every_deputy_and_station_gets_a_different_code():
    owners = [DeputyFactory() for _ in range(20)] + [LiaisonStationFactory() for _ in range(5)]

    codes = {code_for(owner).code for owner in owners}

    assert len(codes) == 25
    assert all(SHAPE.match(code) for code in codes)


def test_a_second_active_code_for_the_same_deputy_is_refused_by_the_database(deputy):
    code_for(deputy)

    with pytest.raises(IntegrityError), transaction.atomic():
        MashangCode.objects.create(code="abcdefghjk", deputy=deputy, created_at=clock.now())


def test_a_code_belongs_to_a_deputy_or_a_station_never_both_nor_none(deputy):
    station = LiaisonStationFactory()

    for owners in ({"deputy": deputy, "station": station}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            MashangCode.objects.create(code="abcdefghjk", created_at=clock.now(), **owners)


def test_a_lost_card_retires_the_old_code_issues_a_new_one_and_is_audited(deputy, ada):
    old = code_for(deputy)

    with clock.frozen(MONDAY):
        new = code_regenerate(deputy, actor=ada)

    old.refresh_from_db()
    assert not old.is_active and old.retired_at == MONDAY
    assert new.is_active and new.code != old.code
    assert code_for(deputy) == new
    change = RegistryChange.objects.get(kind="code_regenerate")
    assert change.actor == ada
    assert change.summary == "重新生成代表「王代表」的码上找代表二维码（原码已停用）"
    assert change.details == {"deputy": deputy.pk, "old": old.code, "new": new.code}


def test_a_station_without_a_code_gets_one_when_regenerated():
    station = LiaisonStationFactory(name="银田镇人大代表联络站")

    new = code_regenerate(station)

    assert new.station == station and new.is_active
    assert RegistryChange.objects.get().summary == (
        "重新生成联络站「银田镇人大代表联络站」的码上找代表二维码（原码已停用）"
    )
