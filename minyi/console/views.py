"""The operator console (话务员接线工作台): caller identification, intake, and the next step.

Pages are thin: they parse a form, call a service, and render. Every change goes through the
order services, so the console and the API share the same rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_eventstream import views as eventstream_views

from minyi.accounts.gate import passive
from minyi.accounts.models import Role
from minyi.calls.models import CallLog
from minyi.calls.services import missed_call_resolve
from minyi.console import selectors, services
from minyi.console.forms import IntakeForm
from minyi.core import fanout, idempotency
from minyi.core.access import client_ip, role_required
from minyi.core.errors import DomainError
from minyi.core.masking import mask_phone
from minyi.intake.console import intake_record_checked
from minyi.orders.models import Status, WorkOrder
from minyi.privacy import rules
from minyi.reference.models import Category, Region
from minyi.workbench import permissions
from minyi.workbench.action_views import ACTIONS, action_forms, refusal_message, take_action
from minyi.workbench.detail_views import sheet_context, visible_order

OPERATOR = Role.OPERATOR


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A normal redirect, or HX-Redirect when htmx asked (so the whole page moves on)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@role_required(OPERATOR)
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    return render(request, "console/console.html", selectors.console_context(request.user))


@passive  # a refresh nobody asked for is not activity (accounts/gate.py)
@role_required(OPERATOR)
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    """Today's calls and orders, refreshed in place (htmx): every half minute and at once on a
    ring. Polled rather than streamed: the event stream carries rings only (no replay, and it
    holds no database connection by design), while calls end and orders move on elsewhere."""
    return render(request, "console/_today.html", selectors.today_context(request.user))


@passive  # the stream is not activity: it must not keep an idle session alive (accounts/gate.py)
@role_required(OPERATOR)
def events(request: HttpRequest, **kwargs) -> HttpResponse:
    """The ring stream (server-sent events). The channel manager (console.events) picks the
    operator's channels; the role check turns everyone else away before it streams.

    A console stays open all day and its stream needs no database, so the connection that
    checked the session is closed (back to the pool) before streaming starts: otherwise every
    open console would hold a pooled connection, and ten consoles would empty the default
    pool while the webhook waits for one."""
    fanout.listen()  # this process hears the rings posted to any other first
    response = eventstream_views.events(request, **kwargs)
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    return response


@role_required(OPERATOR)
@require_POST
def lookup(request: HttpRequest) -> HttpResponse:
    """Look a number up by hand: the same card a ring would show. A POST, so the number never
    stands in a URL (and so in no access log)."""
    phone = request.POST.get("phone", "").strip()[:40]
    context = {"card": selectors.caller_card(phone), "phone": phone}
    return render(request, "console/_caller.html", context)


@role_required(OPERATOR)
def intake(request: HttpRequest) -> HttpResponse:
    """The intake form: blank (a citizen's call), prefilled from the operator's own ring
    (``?call=``), or posted to save."""
    if request.method == "POST":
        return _intake_post(request)
    call_id = request.GET.get("call", "")
    if not call_id:
        return _intake_page(request, IntakeForm(initial=services.Prefill().initial))
    try:
        prefill = services.intake_prefill_from_call(
            user=request.user, call_id=call_id, ip=client_ip(request)
        )
    except services.PrefillRefused as error:
        form = IntakeForm(initial=services.Prefill().initial)
        return _intake_page(request, form, refused=error.message, status=403)
    return _intake_page(
        request, IntakeForm(initial=prefill.initial), prefill.deputy, prefill.recent
    )


def _intake_post(request: HttpRequest) -> HttpResponse:
    """保存: the order once per form (a double-click or a retry answers like the first post)."""
    key = idempotency.posted_key(request)
    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope="console intake",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=lambda: _intake_save(request),
        )
    except idempotency.Refused as refused:
        return _intake_refused(request, refused.answer)
    except idempotency.KeyReused as error:
        form = IntakeForm(idempotency.rekeyed(request.POST))
        return _intake_refused(request, form, error.message)
    messages.success(request, once.result["message"])
    return _redirect(request, reverse("console-order", args=[once.result["order"]]))


def _intake_save(request: HttpRequest) -> dict:
    form = IntakeForm(request.POST)
    if not form.is_valid():
        raise idempotency.Refused(form)
    try:
        # the duplicate panel's decision (minyi/intake): 并入此单, or recorded as new
        order = intake_record_checked(
            user=request.user,
            data=form.cleaned_data,
            merge_into=(request.POST.get("dup_merge") or "").strip()[:40],
            explicit_new=request.POST.get("dup_new") == "1",
        )
    except DomainError as error:
        form.add_error(None, error.message)
        raise idempotency.Refused(form) from None
    return {"order": order.number, "message": _intake_done(order)}


def _intake_refused(request: HttpRequest, form: IntakeForm, error: str = "") -> HttpResponse:
    if error:
        form.is_valid()
        form.add_error(None, error)
    deputy = selectors.deputy_of_form(form)
    recent = services.intake_recent_orders(
        user=request.user,
        deputy=deputy,
        token=request.POST.get("identified", ""),
        ip=client_ip(request),
    )
    # the deputy and their orders stay beside the form only if this operator identified them
    shown = deputy if recent is not None else None
    return _intake_page(request, form, shown, recent or [])


@role_required(OPERATOR)
@require_POST
def intake_from_lookup(request: HttpRequest) -> HttpResponse:
    """登记工单 from a look-up card: the number the operator typed, the deputy behind it."""
    prefill = services.intake_prefill_from_lookup(
        user=request.user, phone=request.POST.get("phone", "").strip()[:40], ip=client_ip(request)
    )
    return _intake_page(
        request, IntakeForm(initial=prefill.initial), prefill.deputy, prefill.recent
    )


def _intake_done(order: WorkOrder) -> str:
    if order.status == Status.MERGED:
        return f"工单 {order.number} 已并入主工单 {order.master.number}，来电人将收到主工单办理进度的短信。"
    if order.status == Status.REJECTED:
        return f"工单 {order.number} 不予受理，理由及依据将以短信告知。"
    return f"已受理工单 {order.number}。请选择下一步：派单或直接答复。"


def _intake_page(
    request: HttpRequest,
    form: IntakeForm,
    deputy=None,
    recent=(),
    *,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "deputy": deputy,
        "recent": recent,
        "refused": refused,
        "reasons": selectors.scope_reasons(),
    }
    return render(request, "console/_intake.html", context, status=status)


def _next_context(request: HttpRequest, order: WorkOrder, bound: dict | None = None) -> dict:
    """The next step after intake: the actions of the shared registry (workbench.action_views)
    this operator may take now — 派单, 直接答复 — as on the detail page, the usual one open."""
    ctx = permissions.order_context(request.user, order)
    open_name = "" if bound else request.GET.get("do", "")[:40]
    actions = action_forms(request.user, ctx, bound=bound or {}, open_name=open_name)
    if actions and not any(a.open for a in actions):
        actions = action_forms(request.user, ctx, bound={}, open_name=actions[0].name)
    return {
        "order": order,
        "requester": rules.requester_shown(request.user, order),
        "actions": actions,
        "open_action": next((a for a in actions if a.open), None),
        "page_name": "console-order",
        "action_url": "console-action",
        "regions": Region.objects.order_by("code", "name"),
        "categories": Category.objects.filter(is_active=True).select_related("parent"),
    }


@role_required(OPERATOR)
@require_GET
def order_next(request: HttpRequest, number: str) -> HttpResponse:
    """An order the operator recorded (another's is not in their sight: 404)."""
    order = visible_order(request, number)
    return render(request, "console/order_next.html", _next_context(request, order))


@role_required(OPERATOR)
@require_POST
def order_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """An action of the registry from the console: the same rule, form and service as the
    detail page (``take_action``); done, the operator is back at the console for the next call."""
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    outcome = take_action(request, number, action)
    if outcome.done:
        messages.success(request, f"工单 {number}：{outcome.done}")
        return _redirect(request, reverse("console"))
    if outcome.order is None:  # the key came with another form
        messages.error(request, outcome.refused)
        return _redirect(request, reverse("console"))
    order = outcome.order
    if outcome.form is None:
        # the order has moved on (another tab, a colleague): say so on its page
        messages.error(
            request,
            f"工单 {order.number} 当前为“{order.get_status_display()}”，"
            f"不能{ACTIONS[action].title}。",
        )
        return render(request, "console/order_next.html", _next_context(request, order), status=403)
    if message := refusal_message(request, order, action, outcome.form):
        messages.error(request, message)
    context = _next_context(request, order, bound={action: outcome.form})
    return render(request, "console/order_next.html", context, status=400)


@role_required(OPERATOR)
@require_GET
def deputy_order(request: HttpRequest, number: str) -> HttpResponse:
    """查看 one of the calling deputy's recent orders (a new tab, read-only): its state, deadlines
    and timeline, to answer "how is my matter going?" while the intake form stays open."""
    try:
        order = services.deputy_order_open(
            user=request.user,
            number=number,
            token=request.GET.get("identified", ""),
            ip=client_ip(request),
        )
    except services.PrefillRefused as error:
        raise Http404(error.message) from None
    return render(request, "console/deputy_order.html", sheet_context(request, order))


@role_required(OPERATOR)
@require_POST
def missed_call_done(request: HttpRequest, call_id: str) -> HttpResponse:
    """回拨完成: the operator has called the deputy back; the to-do leaves the list (once per
    form: the same form again answers with the same message)."""
    key = idempotency.posted_key(request)
    call = get_object_or_404(CallLog, call_id=call_id)

    def resolve() -> dict:
        missed_call_resolve(call=call, actor=request.user, note=request.POST.get("note", ""))
        who = call.deputy.name if call.deputy else mask_phone(call.caller or call.caller_raw)
        return {"message": f"已记录回拨：{who}。"}

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope=f"console call {call_id} done",
            fingerprint=idempotency.fingerprint(request.POST),
            perform=resolve,
        )
    except DomainError as error:  # KeyReused included
        messages.error(request, error.message)
    else:
        messages.success(request, once.result["message"])
    return redirect("console")
