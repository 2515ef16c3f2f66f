"""Pages of the liaison stations (联络站工作人员) and the liaison body (联工委), under /work/messages/:

- ``deputies/``: which deputies have messages waiting, how many, the oldest's age in working days
  (station staff: their station; liaison officers: every station, or one);
- ``stats/``: responsiveness per deputy and per station (``minyi.mashang.stats``);
- ``blocked/``: a station's blocked numbers (masked) with 解除.

标记恶意留言 and 屏蔽号码 are actions of the message page, in the one registry (``actions``).

Views are thin: the scope (``station_scope``), the visibility (``selectors``) and the services
(``services.abuse``) decide; every form carries an idempotency key.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from minyi.accounts.models import Role
from minyi.core import clock, idempotency, timefmt
from minyi.core.access import role_required
from minyi.core.errors import DomainError
from minyi.mashang import stats as figures
from minyi.mashang.services import abuse
from minyi.mashang.station_scope import scope_for, stations_to_choose

INBOX = "/work/messages/"  # the shared inbox (staff_urls)


def _scoped_page(request: HttpRequest, template: str, **context) -> HttpResponse:
    scope = scope_for(request.user, request.GET.get("station"))
    context.update(
        scope=scope,
        stations=stations_to_choose() if scope.choosable else (),
        inbox=INBOX,
    )
    return render(request, template, {**context, **context.pop("build")(scope)})


@role_required(Role.STATION, Role.LIAISON)
@require_safe
def deputies_waiting(request: HttpRequest) -> HttpResponse:
    return _scoped_page(
        request,
        "mashang/station/deputies.html",
        title="代表待处理留言",
        build=lambda scope: {"rows": figures.deputies_waiting(scope)},
    )


@role_required(Role.STATION, Role.LIAISON)
@require_safe
def stats(request: HttpRequest) -> HttpResponse:
    year = figures.year_of(request.GET.get("year"))
    this_year = timefmt.local(clock.now()).year
    return _scoped_page(
        request,
        "mashang/station/stats.html",
        title="码上找代表 · 响应情况",
        year=year,
        years=range(this_year, this_year - 5, -1),
        build=lambda scope: {"figures": figures.responsiveness(scope, year)},
    )


# -- blocked numbers -------------------------------------------------------------------------


@role_required(Role.STATION)
@require_safe
def blocked_list(request: HttpRequest) -> HttpResponse:
    blocks = abuse.blocks_of(request.user).select_related("blocked_by", "lifted_by", "message")
    context = {
        "title": "屏蔽号码",
        "active": list(blocks.filter(lifted_at__isnull=True)),
        "lifted": list(blocks.filter(lifted_at__isnull=False)[:50]),
        "inbox": INBOX,
    }
    return render(request, "mashang/station/blocked.html", context)


@role_required(Role.STATION)
@require_POST
def blocked_lift(request: HttpRequest, block_id: int) -> HttpResponse:
    key = idempotency.posted_key(request)
    block = abuse.blocks_of(request.user).filter(pk=block_id).first()
    if block is None:
        raise Http404("没有这条屏蔽记录。")

    def perform() -> dict:
        try:
            abuse.phone_unblock(block=block, actor=request.user)
        except DomainError as error:
            raise idempotency.Refused(error.message) from None
        return {"message": f"已解除对 {block.phone_masked} 的屏蔽。"}

    result = idempotency.flashed_once(
        request, key=key, scope=f"blocked {block.pk} lift", perform=perform
    )
    if result is not None:
        flash.success(request, result["message"])
    return redirect("mashang-blocked")
