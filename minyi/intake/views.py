"""The duplicate panel (htmx partials): the console's, refreshed as the operator types; the
dispatch page's, for an order already recorded; and 作为新诉求 on that page.

The candidates are a look-up: posted (the phone never goes into a URL or an access log) and
harmless to repeat, so the look-up needs no idempotency key. 作为新诉求 writes an event and is
keyed like every other form.

The console's look-up by the caller's number is a phone search: it runs only for a role the
privacy rule lets search by phone, only once the matter is typed (``PHONE_CHECK_MIN_TEXT``
characters of title and content, never for a bare number), and it is logged in the access log
(``intake_phone_checked``; once per number and ``PHONE_LOG_MINUTES`` in a session, as the panel
refreshes while the operator types). The dispatch page's panel matches the recorded order's own
number (not a number typed); the message panel never matches by phone (no role of it may)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_POST

from minyi.accounts.models import Role
from minyi.core import clock, idempotency, timefmt
from minyi.core.access import client_ip, role_required
from minyi.core.bounds import parse_id
from minyi.core.errors import DomainError
from minyi.deputies.phones import normalize_phone
from minyi.intake import selectors
from minyi.intake.services import duplicates_dismiss, intake_phone_checked
from minyi.mashang.selectors import messages_visible_to
from minyi.orders import text_limits as limits
from minyi.orders.models import Status
from minyi.privacy import rules
from minyi.reference.models import RequestType, ScopeReason
from minyi.workbench import permissions
from minyi.workbench.detail_views import visible_order

# the intake form's own limits (what the form saves is what the check reads)
FIELD_MAX = {
    "title": limits.TITLE,
    "content": limits.CONTENT,
    "address": limits.ADDRESS,
    "requester_phone": limits.PHONE,
}
DUPLICATE_REASON = "duplicate"
# where an order's panel is offered: the dispatcher's page of an order still to be decided or
# dispatched (a merge or a refusal after that is the order page's own action)
DISPATCH_STATES = (Status.DRAFT, Status.ACCEPTED)
PHONE_LOG_KEY = "intake_phone_checked"
PHONE_LOG_MINUTES = 10


def _field(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or "").strip()[: FIELD_MAX[name]]


def _phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except DomainError:
        return ""  # a number still being typed: no phone look-up yet


def _is_report(request: HttpRequest) -> bool | None:
    pk = parse_id(request.POST.get("request_type"))
    if pk is None:
        return None
    kind = RequestType.objects.filter(pk=pk).values_list("is_report", flat=True).first()
    return None if kind is None else bool(kind)


def _logged_recently(request: HttpRequest, digest: str, now) -> bool:
    seen = request.session.get(PHONE_LOG_KEY)
    if not isinstance(seen, dict) or seen.get("digest") != digest:
        return False
    try:
        at = datetime.fromisoformat(seen.get("at") or "")
    except (TypeError, ValueError):
        return False
    return timedelta(0) <= now - at < timedelta(minutes=PHONE_LOG_MINUTES)


def _checked_phone(request: HttpRequest, phone: str, text: str) -> str:
    """The number the console's panel may match on ("" for none), its look-up logged."""
    if not phone or not rules.may_search_by_phone(request.user):
        return ""
    if len(text) < selectors.PHONE_CHECK_MIN_TEXT:
        return ""  # a bare number is not a duplicate check
    digest = salted_hmac("minyi.intake.phone-checked", phone).hexdigest()
    now = clock.now()
    if not _logged_recently(request, digest, now):
        intake_phone_checked(user=request.user, phone_e164=phone, ip=client_ip(request))
        request.session[PHONE_LOG_KEY] = {"digest": digest, "at": timefmt.iso(now)}
    return phone


@role_required(Role.OPERATOR)
@require_POST
def console_candidates(request: HttpRequest) -> HttpResponse:
    """The console's panel: the intake form's fields, posted by htmx as the operator types."""
    text = f"{_field(request, 'title')}\n{_field(request, 'content')}".strip()
    typed = selectors.Typed(
        text=text,
        phone=_checked_phone(request, _phone(_field(request, "requester_phone")), text),
        address=_field(request, "address"),
        protect_identity=_is_report(request),
    )
    candidates = selectors.candidates_for(request.user, typed)
    return render(
        request,
        "intake/_candidates.html",
        {
            "candidates": candidates,
            "place": "console",
            "duplicate_reason": ScopeReason.objects.filter(
                code=DUPLICATE_REASON, is_active=True
            ).first(),
        },
    )


def _order_typed(order) -> selectors.Typed:
    return selectors.Typed(
        text=f"{order.title}\n{order.content}",
        phone=order.requester_phone,
        address=order.address,
        exclude=order.pk,
        protect_identity=order.protect_identity,
    )


def _dispatch_order(request: HttpRequest, number: str):
    order = visible_order(request, number)  # 404 when not this user's to see
    ctx = permissions.order_context(request.user, order)
    if order.status not in DISPATCH_STATES or not permissions.allowed("merge", request.user, ctx):
        raise PermissionDenied("您现在不能对该工单作并单处理。")
    return order, ctx


@role_required(Role.DISPATCHER)
def order_candidates(request: HttpRequest, number: str) -> HttpResponse:
    """The dispatch page's panel for an order already recorded."""
    order, ctx = _dispatch_order(request, number)
    candidates = selectors.candidates_for(request.user, _order_typed(order))
    reject_action = "intake" if order.status == Status.DRAFT else "reject"
    return render(
        request,
        "intake/_candidates.html",
        {
            "candidates": candidates,
            "place": "dispatch",
            "order": order,
            "reject_action": reject_action,
            "may_reject": permissions.allowed(reject_action, request.user, ctx),
            "duplicate_reason": ScopeReason.objects.filter(
                code=DUPLICATE_REASON, is_active=True
            ).first(),
        },
    )


@role_required(Role.DEPUTY, Role.STATION, Role.LIAISON)
@require_POST
def message_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """码上找代表 转12345: the candidates of the message being forwarded (its text and the title
    being typed), among the orders this user may see. Never by the citizen's phone: none of
    these roles may search by phone (``rules.may_search_by_phone``), and finding a citizen's
    calls by their number is knowing what they called about."""
    if parse_id(pk) is None:
        raise Http404
    message = get_object_or_404(messages_visible_to(request.user), pk=pk)
    typed = selectors.Typed(
        text=f"{_field(request, 'title')}\n{message.content}".strip(),
        protect_identity=False,  # a report is never forwarded from a message
    )
    candidates = selectors.candidates_for(request.user, typed)
    return render(
        request, "intake/_candidates.html", {"candidates": candidates, "place": "message"}
    )


@role_required(Role.DISPATCHER)
@require_POST
def order_dismiss(request: HttpRequest, number: str) -> HttpResponse:
    """作为新诉求 on the dispatch page: the candidates shown are written on the order's events."""
    key = idempotency.posted_key(request)

    def perform() -> dict:
        order, _ = _dispatch_order(request, number)
        shown = selectors.candidates_for(request.user, _order_typed(order))
        duplicates_dismiss(order=order, candidates=shown, actor=request.user, explicit=True)
        return {
            "message": f"工单 {order.number}：已作为新诉求，疑似重复工单 {len(shown)} 件已记录。"
        }

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope=f"order {number} duplicates-dismiss",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=perform,
        )
        messages.success(request, once.result["message"])
    except idempotency.KeyReused as error:
        messages.error(request, error.message)
    return redirect(reverse("order-detail", args=[number]))
