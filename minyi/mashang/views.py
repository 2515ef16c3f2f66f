"""The public pages of 码上找代表: no log-in, phone first, no JavaScript (minyi/mashang).

``/m/<code>`` is a deputy's page (name, the congresses they sit in, their station) or a station's
page listing its deputies; ``/m/<code>/qr.svg`` and ``/m/<code>/qr.png`` are its QR code. An
unknown or retired code, or one whose deputy has left the registry, answers 404 with a friendly
page. No phone number is shown: not the deputy's, not the station's.
"""

from __future__ import annotations

import io

import segno
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from minyi.deputies.models import LEVEL_RANK, Deputy, LiaisonStation, Mandate
from minyi.mashang.models import MashangCode
from minyi.mashang.services import codes_of, is_code_shaped, public_url

QR_CACHE_SECONDS = 3600


def _found(code: str) -> MashangCode | None:
    code = code.lower()
    if not is_code_shaped(code):
        return None
    found = (
        MashangCode.objects.filter(code=code, is_active=True)
        .select_related("deputy", "station")
        .first()
    )
    if found is None or (found.deputy_id and not found.deputy.is_active):
        return None
    return found


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "mashang/gone.html", status=404)


def _active_mandates():
    return Mandate.objects.active().select_related("congress", "station")


def _highest_first(mandates) -> list[Mandate]:
    return sorted(mandates, key=lambda m: (LEVEL_RANK.get(m.level, 99), m.congress.name))


def _levels(mandates: list[Mandate]) -> list[str]:
    """`湖南省人大代表`, `韶山市人大代表`: highest first, each congress once."""
    return list(dict.fromkeys(f"{m.congress.name}代表" for m in mandates))


def _deputy_page(request: HttpRequest, deputy: Deputy) -> HttpResponse:
    mandates = _highest_first(_active_mandates().filter(deputy=deputy))
    stations = list(dict.fromkeys(m.station for m in mandates if m.station is not None))
    context = {
        "deputy": deputy,
        "levels": _levels(mandates),
        "stations": list(zip(stations, codes_of(stations), strict=True)),
    }
    return render(request, "mashang/deputy.html", context)


def _station_page(request: HttpRequest, station: LiaisonStation) -> HttpResponse:
    """The station's deputies (an active mandate there), their congresses and codes: a fixed
    number of queries however many deputies it has."""
    seated = Mandate.objects.active().filter(station=station).values("deputy_id")
    deputies = list(
        Deputy.objects.filter(is_active=True, pk__in=seated)
        .order_by("name", "id")
        .prefetch_related(Prefetch("mandates", queryset=_active_mandates(), to_attr="active"))
    )
    rows = [
        (deputy, _levels(_highest_first(deputy.active)), code)
        for deputy, code in zip(deputies, codes_of(deputies), strict=True)
    ]
    return render(request, "mashang/station.html", {"station": station, "deputies": rows})


@require_safe
def page(request: HttpRequest, code: str) -> HttpResponse:
    found = _found(code)
    if found is None:
        return _gone(request)
    if found.deputy_id:
        return _deputy_page(request, found.deputy)
    return _station_page(request, found.station)


def _qr(request: HttpRequest, code: str, kind: str, content_type: str) -> HttpResponse:
    found = _found(code)
    if found is None:
        return _gone(request)
    out = io.BytesIO()
    options = {"scale": 10} if kind == "png" else {"scale": 4, "xmldecl": False}
    segno.make(public_url(found, request), error="m").save(out, kind=kind, border=4, **options)
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={QR_CACHE_SECONDS}"
    return response


@require_safe
def qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    return _qr(request, code, "svg", "image/svg+xml")


@require_safe
def qr_png(request: HttpRequest, code: str) -> HttpResponse:
    return _qr(request, code, "png", "image/png")
