"""The public pages of 码上找代表: no log-in, phone first, no JavaScript (minyi/mashang).

``/m/<code>`` is a deputy's page (name, the congresses they sit in, the introduction, their
station, the button to the message form) or a station's page listing its deputies, each with a
link to the message form; ``/m/<code>/qr.svg`` and ``/m/<code>/qr.png`` are its QR code. An
unknown or retired code, or one whose deputy has left the registry, answers 404 with a friendly
page. No phone number is shown: not the deputy's, not the station's.
"""

from __future__ import annotations

import io

import segno
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from minyi.deputies.models import Mandate
from minyi.mashang.listing import active_mandates, deputies_listed, highest_first, levels
from minyi.mashang.models import MashangCode
from minyi.mashang.services import codes_of, is_code_shaped, public_url

QR_CACHE_SECONDS = 3600


def found_code(code: str) -> MashangCode | None:
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


def gone(request: HttpRequest) -> HttpResponse:
    return render(request, "mashang/gone.html", status=404)


def _deputy_page(request: HttpRequest, code: MashangCode) -> HttpResponse:
    deputy = code.deputy
    mandates = highest_first(active_mandates().filter(deputy=deputy))
    stations = list(dict.fromkeys(m.station for m in mandates if m.station is not None))
    context = {
        "code": code,
        "deputy": deputy,
        "levels": levels(mandates),
        "stations": list(zip(stations, codes_of(stations), strict=True)),
    }
    return render(request, "mashang/deputy.html", context)


def _station_page(request: HttpRequest, code: MashangCode) -> HttpResponse:
    """The station's deputies (an active mandate there), their congresses and codes: a fixed
    number of queries however many deputies it has."""
    station = code.station
    seated = Mandate.objects.active().filter(station=station).values("deputy_id")
    listing = deputies_listed(seated, request.GET.get("page"))
    context = {"code": code, "station": station, "deputies": listing}
    return render(request, "mashang/station.html", context)


@require_safe
def page(request: HttpRequest, code: str) -> HttpResponse:
    found = found_code(code)
    if found is None:
        return gone(request)
    if found.deputy_id:
        return _deputy_page(request, found)
    return _station_page(request, found)


def _qr(request: HttpRequest, code: str, kind: str, content_type: str) -> HttpResponse:
    found = found_code(code)
    if found is None:
        return gone(request)
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
