"""Pages of the liaison stations (联络站工作人员) and the liaison body (联工委), under /work/messages/:

- ``deputies/``: which deputies have messages waiting, how many, the oldest's age in working days
  (station staff: their station; liaison officers: every station, or one);
- ``stats/``: responsiveness per deputy and per station (``minyi.mashang.stats``);
- ``blocked/``: a station's blocked numbers (masked) with 解除;
- ``<id>/flag/`` and ``<id>/block/``: 标记恶意留言 and 屏蔽号码, a reason each.

Views are thin: the scope (``station_scope``), the visibility (``selectors``) and the services
(``services.abuse``) decide; every form carries an idempotency key.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minyi.accounts.models import Role
from minyi.core import clock, idempotency, timefmt
from minyi.core.access import role_required
from minyi.core.errors import DomainError
from minyi.mashang import stats as figures
from minyi.mashang.models import Message
from minyi.mashang.privacy import citizen_shown
from minyi.mashang.selectors import messages_visible_to
from minyi.mashang.services import abuse
from minyi.mashang.station_forms import ReasonForm
from minyi.mashang.station_scope import scope_for, stations_to_choose

INBOX = "/work/messages/"  # the shared inbox (staff_urls)


def message_url(message_id: int) -> str:
    return f"{INBOX}{message_id}/"


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


# -- abuse -----------------------------------------------------------------------------------


def _visible(request: HttpRequest, message_id: int) -> Message:
    messages = messages_visible_to(request.user).select_related("deputy")
    return get_object_or_404(messages, pk=message_id)


def _reason_action(
    request: HttpRequest, message_id: int, *, may, service, words: dict
) -> HttpResponse:
    """标记恶意留言 or 屏蔽号码: the form (GET), the act once per key (POST)."""
    message = _visible(request, message_id)
    if not may(request.user, message):
        raise PermissionDenied(words["forbidden"])
    if request.method == "POST":
        key = idempotency.posted_key(request)
        try:
            idempotency.perform_once(
                key=key,
                actor=request.user,
                scope=f"message {message.pk} {words['scope']}",
                fingerprint=idempotency.fingerprint(request.POST),
                perform=lambda: _reason_perform(request, message, service, words),
            )
        except idempotency.Refused as refused:
            form = refused.answer
        except idempotency.KeyReused as error:
            form = ReasonForm(idempotency.rekeyed(request.POST))
            form.is_valid()
            form.add_error(None, error.message)
        else:
            flash.success(request, words["done"])
            return redirect(words.get("next") or message_url(message.pk))
    else:
        form = ReasonForm()
    context = {
        "title": words["title"],
        "words": words,
        "message": message,
        "citizen": citizen_shown(request.user, message),
        "form": form,
        "back": message_url(message.pk),
    }
    return render(
        request, "mashang/station/reason.html", context, status=400 if form.errors else 200
    )


def _reason_perform(request, message, service, words) -> dict:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise idempotency.Refused(form)
    try:
        service(message=message, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        form.add_error(None, error.message)
        raise idempotency.Refused(form) from None
    return {"message": words["done"]}


@role_required(Role.DEPUTY, Role.STATION)
@require_http_methods(["GET", "HEAD", "POST"])
def flag(request: HttpRequest, message_id: int) -> HttpResponse:
    return _reason_action(
        request,
        message_id,
        may=abuse.may_flag,
        service=abuse.message_flag,
        words={
            "scope": "flag",
            "title": "标记为恶意留言",
            "lead": "标记后这条留言即关闭，不再计入响应情况统计。",
            "button": "确认标记",
            "done": "已标记为恶意留言，留言已关闭。",
            "forbidden": "您不能标记这条留言。",
        },
    )


@role_required(Role.STATION)
@require_http_methods(["GET", "HEAD", "POST"])
def block(request: HttpRequest, message_id: int) -> HttpResponse:
    return _reason_action(
        request,
        message_id,
        may=abuse.may_block,
        service=abuse.phone_block,
        words={
            "scope": "block",
            "title": "屏蔽留言号码",
            "lead": "屏蔽后这个号码不能再给任何代表留言，直到解除。",
            "button": "确认屏蔽",
            "done": "已屏蔽该号码，可在“屏蔽号码”中解除。",
            "forbidden": "您不能屏蔽这条留言的号码。",
            "next": reverse("mashang-blocked"),
        },
    )


@role_required(Role.STATION)
@require_safe
def blocked_list(request: HttpRequest) -> HttpResponse:
    blocks = abuse.blocks_of(request.user).select_related("blocked_by", "lifted_by", "message")
    context = {
        "title": "屏蔽号码",
        "active": [b for b in blocks if b.lifted_at is None],
        "lifted": [b for b in blocks if b.lifted_at is not None][:50],
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

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope=f"blocked {block.pk} lift",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=perform,
        )
    except idempotency.Refused as refused:
        flash.error(request, refused.answer)
    except idempotency.KeyReused as error:
        flash.error(request, error.message)
    else:
        flash.success(request, once.result["message"])
    return redirect("mashang-blocked")
