"""Finding one's deputies without a card (like WriteToThem's postcode look-up): a county or
district, then a township or street, then the deputies elected there — an active mandate in the
congress of that township, or at a station in it — and the stations there."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from minyi.deputies.models import LiaisonStation, Mandate
from minyi.mashang.listing import Listing, deputies_listed
from minyi.mashang.models import MashangCode
from minyi.mashang.services import codes_of
from minyi.reference.models import Region, RegionLevel


def counties() -> QuerySet[Region]:
    """Every county or district with its city (the heading they are grouped under), by city."""
    return (
        Region.objects.filter(level=RegionLevel.COUNTY)
        .select_related("parent")
        .order_by("parent__code", "parent__name", "parent_id", "code", "name")
    )


def townships(county: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP)


def region_or_none(raw: str, level: str) -> Region | None:
    raw = raw or ""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    return Region.objects.filter(pk=int(raw), level=level).select_related("parent").first()


@dataclass(frozen=True)
class Found:
    deputies: Listing
    stations: list[tuple[LiaisonStation, MashangCode]]


def found_in(township: Region, page: str | int | None = 1) -> Found:
    """The deputies and stations of ``township``: a fixed number of queries."""
    elected = (
        Mandate.objects.active()
        .filter(Q(congress__region=township) | Q(station__region=township))
        .values("deputy_id")
    )
    stations = list(LiaisonStation.objects.filter(region=township).order_by("name", "id"))
    return Found(
        deputies=deputies_listed(elected, page),
        stations=list(zip(stations, codes_of(stations), strict=True)),
    )
