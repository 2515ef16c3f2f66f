"""Finding one's deputies by place (/m/): county → township → the deputies elected there and
the stations there, each linked to its own page; as many queries for fifty deputies as for one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minyi.mashang.services import code_for
from minyi.reference.models import RegionLevel
from tests.factories import (
    CongressFactory,
    DeputyFactory,
    LiaisonStationFactory,
    RegionFactory,
    seat,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    city = RegionFactory(name="湘潭市", level=RegionLevel.CITY)
    county = RegionFactory(name="韶山市", level=RegionLevel.COUNTY, parent=city)
    town = RegionFactory(name="银田镇", level=RegionLevel.TOWNSHIP, parent=county)
    other = RegionFactory(name="清溪镇", level=RegionLevel.TOWNSHIP, parent=county)
    return {"city": city, "county": county, "town": town, "other": other}


def test_the_landing_lists_counties_under_their_city(client, places):
    page = client.get("/m/").content.decode()

    assert "湘潭市" in page
    assert f'href="?county={places["county"].pk}"' in page and "韶山市" in page


def test_a_county_lists_its_townships(client, places):
    page = client.get("/m/", {"county": places["county"].pk}).content.decode()

    assert f'href="?township={places["town"].pk}"' in page
    assert "银田镇" in page and "清溪镇" in page


def test_a_township_shows_the_deputies_elected_there_and_its_station(client, places):
    town = places["town"]
    CongressFactory(name="银田镇人大", level="township", region=town)
    elected = DeputyFactory(name="镇代表", mandate=None)
    seat(elected, "银田镇人大", "township")
    station = LiaisonStationFactory(name="银田镇人大代表联络站", region=town)
    through_station = DeputyFactory(name="站代表", mandate=None)
    seat(through_station, "韶山市人大", "county", station=station)
    elsewhere = DeputyFactory(name="外镇代表", mandate=None)
    seat(elsewhere, "韶山市人大", "county", station=LiaisonStationFactory(region=places["other"]))
    ended = DeputyFactory(name="已离任代表", mandate=None)
    seat(ended, "银田镇人大", "township", ended_on="2026-01-01")

    page = client.get("/m/", {"township": town.pk}).content.decode()

    assert "镇代表" in page and code_for(elected).path in page
    assert "站代表" in page and code_for(through_station).path in page
    assert "银田镇人大代表联络站" in page and code_for(station).path in page
    assert "外镇代表" not in page and "已离任代表" not in page


def test_an_unknown_or_malformed_place_shows_the_counties(client, places):
    for value in ("999999", "abc", "1" * 40, "²", "-1"):
        response = client.get("/m/", {"township": value, "county": value})
        assert response.status_code == 200 and "找到您的人大代表" in response.content.decode()


def test_the_township_page_reads_a_fixed_number_of_queries_however_many_deputies(client, places):
    town = places["town"]
    station = LiaisonStationFactory(region=town)

    def queries_for(count: int) -> int:
        for _ in range(count):
            deputy = DeputyFactory(mandate=None)
            seat(deputy, "韶山市人大", "county", station=station)
            code_for(deputy)  # issued once; a visit only reads
        code_for(station)
        with CaptureQueriesContext(connection) as queries:
            client.get("/m/", {"township": town.pk})
        return len(queries)

    assert queries_for(1) == queries_for(30)


def test_counties_are_grouped_under_their_own_city(client, places):
    other_city = RegionFactory(name="衡阳市", level=RegionLevel.CITY, code="430400")
    RegionFactory(name="衡山县", level=RegionLevel.COUNTY, parent=other_city, code="430423")
    RegionFactory(name="雨湖区", level=RegionLevel.COUNTY, parent=places["city"], code="430302")

    page = client.get("/m/").content.decode()

    assert page.count("<h2>湘潭市</h2>") == 1 and page.count("<h2>衡阳市</h2>") == 1
    xiangtan = page.index("<h2>湘潭市</h2>")
    assert xiangtan < page.index("雨湖区") and xiangtan < page.index("韶山市")
