"""`manage.py mashang_codes`: one line per active code, codes issued where missing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from minyi.mashang.models import MashangCode
from minyi.mashang.services import code_for, code_regenerate
from tests.factories import DeputyFactory, LiaisonStationFactory

pytestmark = pytest.mark.django_db


def run(**options) -> list[str]:
    out = io.StringIO()
    call_command("mashang_codes", stdout=out, **options)
    return out.getvalue().splitlines()


def test_the_command_prints_kind_name_and_url_of_every_active_code(settings):
    settings.MINYI_PUBLIC_BASE_URL = "https://12345.example.gov.cn"
    wang = DeputyFactory(name="王代表")
    li = DeputyFactory(name="李代表")
    DeputyFactory(name="离任代表", is_active=False)
    station = LiaisonStationFactory(name="银田镇人大代表联络站")
    old = code_for(wang)
    new = code_regenerate(wang)

    lines = run()

    base = "https://12345.example.gov.cn/m/"
    assert lines == [
        f"deputy\t李代表\t{base}{code_for(li).code}",
        f"deputy\t王代表\t{base}{new.code}",
        f"station\t银田镇人大代表联络站\t{base}{code_for(station).code}",
    ]
    assert old.code not in "\n".join(lines)
    assert MashangCode.objects.filter(is_active=True).count() == 3


def test_the_command_takes_the_base_url_as_an_option_and_issues_nothing_twice(settings):
    settings.MINYI_PUBLIC_BASE_URL = ""
    DeputyFactory(name="王代表")

    first = run(base_url="https://a.example/")
    assert first == run(base_url="https://a.example/")
    assert first[0].startswith("deputy\t王代表\thttps://a.example/m/")


def test_the_command_without_a_base_url_says_how_to_give_one(settings):
    settings.MINYI_PUBLIC_BASE_URL = ""

    with pytest.raises(CommandError, match="MINYI_PUBLIC_BASE_URL"):
        run()
