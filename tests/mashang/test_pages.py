"""The citizen's pages: a deputy's, a station's, the friendly 404, and the QR codes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from minyi.mashang.services import code_for, code_regenerate
from tests.factories import DeputyFactory, LiaisonStationFactory, seat

pytestmark = pytest.mark.django_db

GONE = "该二维码已失效"


@pytest.fixture
def station():
    return LiaisonStationFactory(name="银田镇人大代表联络站", address="银田镇政府一楼")


@pytest.fixture
def wang(station):
    """王代表: a deputy of two congresses, both through 银田镇's station, with two phones."""
    deputy = DeputyFactory(name="王代表", phone__number="+8613800138000", mandate=None)
    seat(deputy, "韶山市人大", "county", station=station)
    seat(deputy, "湘潭市人大", "city", station=station)
    return deputy


def test_a_deputy_page_shows_name_levels_highest_first_and_station_to_anyone(client, wang):
    response = client.get(code_for(wang).path)

    page = response.content.decode()
    assert response.status_code == 200
    assert "王代表" in page
    assert page.index("湘潭市人大代表") < page.index("韶山市人大代表")
    assert "银田镇人大代表联络站" in page and "银田镇政府一楼" in page


def test_a_deputy_page_never_shows_a_phone_number(client, wang, station):
    station.contact_phone = "0731-55551234"
    station.save()

    page = client.get(code_for(wang).path).content.decode()

    for digits in ("13800138000", "8000", "55551234"):
        assert digits not in page


def test_an_ended_mandate_is_not_shown_as_a_level(client, wang):
    wang.mandates.filter(congress__name="韶山市人大").update(ended_on="2026-01-01")

    page = client.get(code_for(wang).path).content.decode()

    assert "湘潭市人大代表" in page and "韶山市人大代表" not in page


def test_a_station_page_lists_its_deputies_linked_to_their_own_pages(client, wang, station):
    li = DeputyFactory(name="李代表", mandate=None)
    seat(li, "银田镇人大", "township", station=station)
    gone = DeputyFactory(name="赵代表", mandate=None)
    seat(gone, "银田镇人大", "township", station=station, ended_on="2026-01-01")
    elsewhere = DeputyFactory(name="钱代表")

    page = client.get(code_for(station).path).content.decode()

    assert "银田镇人大代表联络站" in page
    assert f'href="{code_for(wang).path}"' in page and f'href="{code_for(li).path}"' in page
    assert page.index("李代表") < page.index("王代表")
    assert "赵代表" not in page and elsewhere.name not in page


def test_the_deputy_page_links_to_the_station_page(client, wang, station):
    page = client.get(code_for(wang).path).content.decode()

    assert f'href="{code_for(station).path}"' in page


def test_a_retired_code_answers_404_with_a_friendly_page_and_the_new_one_works(client, wang):
    old = code_for(wang)
    new = code_regenerate(wang)

    response = client.get(old.path)

    assert response.status_code == 404
    assert GONE in response.content.decode()
    assert client.get(f"{old.path}/qr.png").status_code == 404
    assert client.get(new.path).status_code == 200


@pytest.mark.parametrize("code", ["abcdefghjk", "x", "ABCDEFGHJK", "很长" * 40, "0000000000"])
def test_an_unknown_code_answers_the_same_friendly_404(client, code):
    response = client.get(f"/m/{code}")

    assert response.status_code == 404
    assert GONE in response.content.decode()


def test_the_code_is_read_whatever_its_letter_case(client, wang):
    assert client.get(code_for(wang).path.upper().replace("/M/", "/m/")).status_code == 200


def test_a_deputy_who_left_the_registry_has_a_dead_code(client, wang):
    code = code_for(wang)
    wang.is_active = False
    wang.save()

    assert client.get(code.path).status_code == 404


def test_the_pages_are_small_and_need_no_script(client, wang, station):
    for _ in range(40):
        seat(DeputyFactory(mandate=None), "银田镇人大", "township", station=station)

    for path in (code_for(wang).path, code_for(station).path, "/m/abcdefghjk"):
        body = client.get(path).content
        assert len(body) < 100 * 1024
        assert b"<script" not in body


def test_the_svg_qr_code_points_to_the_public_base_url(client, wang, settings):
    settings.MINYI_PUBLIC_BASE_URL = "https://12345.example.gov.cn/"
    code = code_for(wang)

    response = client.get(f"{code.path}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")


def test_the_png_qr_code_is_an_image_that_decodes(client, wang):
    response = client.get(f"{code_for(wang).path}/qr.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert image.format == "PNG" and image.size[0] >= 200


def test_the_qr_code_carries_the_page_address(wang, rf, settings):
    from minyi.mashang.services import public_url

    code = code_for(wang)
    settings.MINYI_PUBLIC_BASE_URL = "https://12345.example.gov.cn/"
    assert public_url(code) == f"https://12345.example.gov.cn/m/{code.code}"
    settings.MINYI_PUBLIC_BASE_URL = ""
    assert public_url(code, rf.get("/")) == f"http://testserver/m/{code.code}"


def test_a_station_page_reads_its_deputies_in_the_same_few_queries_however_many_there_are(
    client, station, django_assert_max_num_queries
):
    def seated(n: int) -> None:
        for i in range(n):
            deputy = DeputyFactory(name=f"代表{n}{i}", mandate=None)
            seat(deputy, "韶山市人大", "county", station=station)
            code_for(deputy)  # codes issued already (mashang_codes): the page only reads

    seated(2)
    path = code_for(station).path
    with django_assert_max_num_queries(6) as few:
        client.get(path)
    seated(20)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)

    assert response.content.decode().count('href="/m/') >= 22


def test_a_station_of_many_deputies_lists_them_a_hundred_to_a_page_each_page_small(client, station):
    for n in range(230):
        seat(
            DeputyFactory(name=f"代表{n:03d}", mandate=None),
            "银田镇人大",
            "township",
            station=station,
        )
    path = code_for(station).path

    first = client.get(path)
    third = client.get(f"{path}?page=3")
    beyond = client.get(f"{path}?page=99")

    text = first.content.decode()
    assert "代表000" in text and "代表099" in text and "代表100" not in text
    assert "共230位代表，第1/3页" in text and '?page=2" rel="next"' in text
    assert "代表229" in third.content.decode() and "代表199" not in third.content.decode()
    assert "第3/3页" in beyond.content.decode()
    assert len(first.content) < 100 * 1024
