"""`manage.py qr_cards`: the cards of one deputy, one station or a region's stations and their
deputies, as one PDF whose names read as text; a bad choice is a Chinese error, no file."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from minyi.mashang.services import code_for
from minyi.reference.models import RegionLevel
from tests.factories import DeputyFactory, LiaisonStationFactory, MandateFactory, RegionFactory

pytestmark = pytest.mark.django_db

BASE = "https://12345.example.gov.cn"


def cards(tmp_path, **options) -> list[str]:
    path = tmp_path / "cards.pdf"
    out = io.StringIO()
    call_command("qr_cards", output=str(path), base_url=BASE, stdout=out, **options)
    assert f"张卡片：{path}" in out.getvalue()
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture
def shaoshan():
    county = RegionFactory(name="韶山市", code="430382")
    town = RegionFactory(name="银田镇", level=RegionLevel.TOWNSHIP, parent=county)
    station = LiaisonStationFactory(name="银田镇人大代表联络站", region=town)
    wang = DeputyFactory(name="王建国", mandate=None)
    MandateFactory(deputy=wang, station=station)
    gone = DeputyFactory(name="李离任", mandate=None)
    MandateFactory(deputy=gone, station=station, ended_on="2026-01-01")
    elsewhere = LiaisonStationFactory(name="湘潭县花石镇联络站")
    return {"station": station, "wang": wang, "gone": gone, "elsewhere": elsewhere}


def test_one_deputys_card_carries_the_name_and_the_address_of_their_page(tmp_path, shaoshan):
    wang = shaoshan["wang"]

    pages = cards(tmp_path, deputy=wang.pk)

    assert len(pages) == 1
    assert "王建国" in pages[0] and "银田镇人大代表联络站" in pages[0]
    assert f"/m/{code_for(wang).code}" in pages[0]


def test_a_regions_cards_are_its_townships_stations_and_their_sitting_deputies(tmp_path, shaoshan):
    pages = cards(tmp_path, region="430382")

    text = "\n".join(pages)
    assert len(pages) == 2  # the station, then 王建国; not the ended mandate, not another county
    assert pages[0].startswith("银田镇人大代表联络站") or "银田镇人大代表联络站" in pages[0]
    assert "王建国" in pages[1]
    assert "李离任" not in text and "花石镇" not in text


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"deputy": 999999}, "没有编号为 999999 的有效代表"),
        ({"station": 999999}, "没有编号为 999999 的代表联络站"),
        ({"region": "000000"}, "没有区划代码为 000000 的区域"),
    ],
)
def test_an_unknown_choice_is_refused_in_chinese_and_writes_no_file(tmp_path, options, words):
    path = tmp_path / "cards.pdf"

    with pytest.raises(CommandError, match=words):
        call_command("qr_cards", output=str(path), base_url=BASE, **options)

    assert not path.exists()


def test_without_a_public_address_the_command_says_how_to_give_one(tmp_path, settings, shaoshan):
    settings.MINYI_PUBLIC_BASE_URL = ""

    with pytest.raises(CommandError, match="MINYI_PUBLIC_BASE_URL"):
        call_command("qr_cards", output=str(tmp_path / "c.pdf"), deputy=shaoshan["wang"].pk)
