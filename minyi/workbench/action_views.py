"""The actions of the order detail page: ``POST /work/orders/<number>/<action>/``.

One view for all of them:

1. anonymous → the sign-in page; an order not in ``orders_visible_to(user)`` → 404;
2. an action ``permissions`` does not allow this user on this order now → 403;
3. parse the action's form and call its service; a ``DomainError`` (or an invalid form)
   re-renders the page with the Chinese message and 400, shown once: in the form (which takes
   the focus), or at the top when the action is no longer offered;
4. success → a message and a redirect back to the page.

Each action is one entry in ``ACTIONS``: its form, its words and a function that calls the
service; ``NEXT_STEPS`` beside it orders the page's buttons. Steps 2–3 are ``take_action``, which
the console's next step after intake uses too. The services do the work and write the ledger;
nothing here saves a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from minyi.core import idempotency
from minyi.core.errors import DomainError
from minyi.core.sentences import join_sentences
from minyi.hints.models import HintKind
from minyi.hints.services import outcome_record
from minyi.orders.models import Status, WorkOrder
from minyi.orders.selectors import orders_visible_to
from minyi.orders.services import closing, dispatch, handling, intake, rating, tracking
from minyi.suggestions.services import suggestion_escalate
from minyi.workbench import forms as f
from minyi.workbench import permissions
from minyi.workbench.detail_views import detail_context, render_order_page, visible_order
from minyi.workbench.permissions import OrderContext


@dataclass(frozen=True)
class Action:
    form: type[f.ActionForm]
    title: str
    button: str
    # (order context, cleaned data, user) → the success message
    perform: Callable[[OrderContext, dict, object], str]
    multipart: bool = False


def _dispatch(ctx, data, user):
    dispatch.order_dispatch(
        order=ctx.order,
        lead=data["lead"],
        assisting=list(data["assisting"]),
        note=data["note"],
        actor=user,
    )
    # the routing hint's outcome: what it suggested for this order, what was chosen (one insert)
    outcome_record(order=ctx.order, kind=HintKind.DEPARTMENT, chosen_id=data["lead"].pk, actor=user)
    return f"已派至 {data['lead'].name}。"


def _intake(ctx, data, user):
    order = intake.order_decide(
        order=ctx.order,
        decision=data["decision"],
        reason=data["reason"],
        basis=data["basis"],
        actor=user,
    )
    if order.status == Status.ACCEPTED:
        return "已受理，受理告知将以短信发送。"
    return "已不予受理，理由及依据将以短信告知。"


def _answer(ctx, data, user):
    intake.order_direct_answer(order=ctx.order, content=data["content"], actor=user)
    return "已直接答复，转入回访。"


def _reject(ctx, data, user):
    intake.order_reject(order=ctx.order, reason=data["reason"], basis=data["basis"], actor=user)
    return "已不予受理，理由及依据将以短信告知。"


def _return_accept(ctx, data, user):
    request = data["request"]
    to = request.suggested_department if data["redispatch"] else None
    dispatch.return_accept(request=request, note=data["note"], redispatch_to=to, actor=user)
    return f"已同意退件并改派至 {to.name}。" if to else "已同意退件，工单回到待派单。"


def _return_refuse(ctx, data, user):
    dispatch.return_refuse(request=data["request"], note=data["note"], actor=user)
    return "已驳回退件，承办单位须在原办理时限内办结。"


def _extension_approve(ctx, data, user):
    handling.extension_approve(
        request=data["request"], approved_due=data["approved_due"], note=data["note"], actor=user
    )
    return "已批准延期。"


def _extension_deny(ctx, data, user):
    handling.extension_deny(request=data["request"], note=data["note"], actor=user)
    return "已不批准延期。"


def _supervise(ctx, data, user):
    closing.order_supervise(
        order=ctx.order, level=data["level"], note=data["note"], due=data["due"], actor=user
    )
    return "已督办。"


def _escalate(ctx, data, user):
    suggestion_escalate(order=ctx.order, note=data["note"], actor=user)
    return "已转为闭会期间代表建议，进入联工委待处理队列，并已告知代表。"


def _merge(ctx, data, user):
    closing.order_merge(order=ctx.order, master=data["master"], note=data["note"], actor=user)
    return f"已合并至主工单 {data['master'].number}。"


def _sign(ctx, data, user):
    dispatch.assignment_sign(assignment=ctx.my_assignment, actor=user)
    return "已签收。"


def _return(ctx, data, user):
    dispatch.assignment_return_with_opinion(
        assignment=ctx.my_assignment,
        reason=data["reason"],
        suggested_department=data["suggested_department"],
        basis=data["basis"],
        opinion=data["leader_opinion"],
        actor=user,
    )
    return "已提交退件申请，等待派单员审核。"


def _extend(ctx, data, user):
    handling.extension_request(
        assignment=ctx.my_assignment,
        requested_due=data["requested_due"],
        reason=data["reason"],
        actor=user,
    )
    return "已提交延期申请，等待派单员审批。"


def _reply(ctx, data, user):
    handling.assignment_reply(
        assignment=ctx.my_assignment,
        content=data["content"],
        method=data["method"],
        solved=data["solved"],
        plan=data["plan"],
        plan_due=data["plan_due"],
        actor=user,
    )
    return "已答复。"


def _callback(ctx, data, user):
    callback = closing.order_callback(
        order=ctx.order,
        satisfaction=data["satisfaction"],
        solved=data["solved"],
        note=data["note"],
        actor=user,
    )
    return f"已记录回访（{callback.get_satisfaction_display()}）。"


def _archive(ctx, data, user):
    closing.order_archive(order=ctx.order, note=data["note"], actor=user)
    return "已归档。"


def _redo(ctx, data, user):
    closing.order_redo(order=ctx.order, note=data["note"], due=data["due"], actor=user)
    return "已发回主办单位重办。"


def _rate(ctx, data, user):
    rating.order_deputy_rate(
        order=ctx.order,
        satisfaction=data["satisfaction"],
        solved=data["solved"],
        note=data["note"],
        actor=user,
    )
    return "感谢您的评价，已转12345热线回访员。"


def _tracking_progress(ctx, data, user):
    tracking.tracking_progress(
        order=ctx.order, text=data["text"], plan_due=data["plan_due"], actor=user
    )
    return "已报告进展，将以短信告知诉求人。"


def _tracking_done(ctx, data, user):
    tracking.tracking_done(order=ctx.order, text=data["text"], actor=user)
    return "已报告办结，等待诉求人确认。"


def _tracking_confirm(ctx, data, user):
    tracking.tracking_confirm(
        order=ctx.order, confirmed=data["confirmed"], note=data["note"], actor=user
    )
    if data["confirmed"]:
        return "已确认办结，工单归档。"
    return "已退回承办单位继续办理。"


ACTIONS: dict[str, Action] = {
    "dispatch": Action(f.DispatchForm, "派单", "派单", _dispatch),
    "intake": Action(f.IntakeForm, "受理或不予受理", "确定", _intake),
    "reject": Action(f.RejectForm, "不予受理", "不予受理", _reject),
    "return-accept": Action(f.ReturnAcceptForm, "同意退件", "同意退件", _return_accept),
    "return-refuse": Action(f.ReturnRefuseForm, "驳回退件", "驳回退件", _return_refuse),
    "extension-approve": Action(f.ExtensionApproveForm, "批准延期", "批准", _extension_approve),
    "extension-deny": Action(f.ExtensionDenyForm, "不批准延期", "不批准", _extension_deny),
    "supervise": Action(f.SuperviseForm, "督办", "督办", _supervise),
    "escalate": Action(f.EscalateForm, "转闭会期间代表建议", "转代表建议", _escalate),
    "merge": Action(f.MergeForm, "合并至主工单", "合并", _merge),
    "answer": Action(f.AnswerForm, "直接答复", "答复并转回访", _answer),
    "sign": Action(f.SignForm, "签收", "签收", _sign),
    "return": Action(f.ReturnForm, "申请退件", "提交退件", _return, multipart=True),
    "extend": Action(f.ExtendForm, "申请延期", "提交延期申请", _extend),
    "reply": Action(f.ReplyForm, "答复", "提交答复", _reply),
    "callback": Action(f.CallbackForm, "记录回访", "保存回访", _callback),
    "archive": Action(f.ArchiveForm, "归档", "归档", _archive),
    "redo": Action(f.RedoForm, "发回重办", "发回重办", _redo),
    "rate": Action(f.RateForm, "评价办理结果", "提交评价", _rate),
    "tracking-progress": Action(
        f.TrackingProgressForm, "报告跟踪督办进展", "报告进展", _tracking_progress
    ),
    "tracking-done": Action(f.TrackingDoneForm, "报告已办结", "报告已办结", _tracking_done),
    "tracking-confirm": Action(
        f.TrackingConfirmForm, "确认是否办结", "提交确认", _tracking_confirm
    ),
}
assert set(ACTIONS) == set(permissions.ACTION_NAMES), "every rule needs a form, and back"


# The usual next step first. The detail page shows the actions a user may take now as buttons
# in this order (and the API lists them so); the first is the primary button unless it turns
# the matter away. Roles rarely share an action, so one order serves every role and state:
# the dispatcher decides a draft, rules on what a department asked, then dispatches before
# 督办/合并/转代表建议/不予受理; the handler signs, then replies before 申请延期/申请退件; the
# callback agent records the callback, then archives (or sends back for redo, or supervision).
# An action not named here (a new one in ACTIONS) comes after these, in the order of ACTIONS.
NEXT_STEPS: tuple[str, ...] = (
    "intake",
    "return-accept",
    "return-refuse",
    "extension-approve",
    "extension-deny",
    "dispatch",
    "answer",
    "sign",
    "reply",
    "extend",
    "return",
    "callback",
    "archive",
    "redo",
    "supervise",
    "merge",
    "escalate",
    "reject",
    "rate",
    "tracking-confirm",
    "tracking-progress",
    "tracking-done",
)
# A state may put its own next step first: once the callback is recorded (回访中), archiving is
# what the callback agent usually does next, not another callback.
FIRST_IN_STATE: dict[str, tuple[str, ...]] = {Status.CALLBACK: ("archive",)}
# Actions that turn a matter or a request away, or hand it elsewhere: their button always looks
# secondary, even when it is the only one.
SECONDARY: frozenset[str] = frozenset(
    {"reject", "return-refuse", "extension-deny", "return", "merge", "escalate"}
)
# Shown open without a click: the deputy's rating, and their confirmation that a tracked matter
# is done, are the one question their page asks.
OPENED: frozenset[str] = frozenset({"rate", "tracking-confirm"})


def in_usual_order(names, status: str = "") -> list[str]:
    """``names`` with the usual next step first: the state's own (``FIRST_IN_STATE``), then
    ``NEXT_STEPS``, then the order of ACTIONS."""
    rank: dict[str, int] = {}
    for name in (*FIRST_IN_STATE.get(status, ()), *NEXT_STEPS, *ACTIONS):
        rank.setdefault(name, len(rank))
    return sorted(names, key=lambda name: rank.get(name, len(rank)))


@dataclass
class ActionForm:
    """One button of the detail page and, when it is open, its form."""

    name: str
    title: str
    button: str
    primary: bool
    multipart: bool
    form: f.ActionForm | None = None  # only the open action has one

    @property
    def open(self) -> bool:
        return self.form is not None


def _focus(form: f.ActionForm) -> None:
    """``autofocus`` on the field to type into: the first with an error, else the first shown
    (the browser honours it on a page load, htmx after a swap)."""
    fields = form.visible_fields()
    field = next((bf for bf in fields if bf.errors), fields[0] if fields else None)
    if field is not None:
        field.field.widget.attrs["autofocus"] = True


def action_forms(user, ctx: OrderContext, *, bound: dict, open_name: str = "") -> list[ActionForm]:
    """A button for each action this user may take now, the usual next step first. The action
    named ``open_name`` (``?do=``), the one just posted (``bound``, with its errors) and those
    in ``OPENED`` carry their form; only those forms are built."""
    names = in_usual_order(permissions.allowed_actions(user, ctx), ctx.order.status)
    opened = {open_name, *bound, *OPENED}
    buttons = []
    for i, name in enumerate(names):
        action = ACTIONS[name]
        form = None
        if name in opened:
            form = bound.get(name) or action.form(ctx=ctx, action=name)
            if name == open_name or name in bound:  # asked for: the cursor goes there
                _focus(form)
        primary = i == 0 and name not in SECONDARY
        buttons.append(
            ActionForm(name, action.title, action.button, primary, action.multipart, form)
        )
    return buttons


@dataclass
class Outcome:
    """What became of a posted action: ``done`` (the success text, also when the same form came
    again and the first post's answer is replayed); or refused, with the order as it is now and
    either the form with its errors, or no form and ``refused`` saying why (the rule does not
    allow the action now: someone moved the order on; or the key came with another form)."""

    order: WorkOrder | None = None
    form: f.ActionForm | None = None
    done: str = ""
    refused: str = ""


def take_action(request: HttpRequest, number: str, name: str) -> Outcome:
    """The one way a page takes an action (the detail page and the console alike), once per
    submitted form (``minyi.core.idempotency``): the order as this user may see it (404), the
    rule, the form, the service. The same form posted again (a double-click, a retry, Back and
    resubmit) answers with the first post's text and does nothing: the checks run inside
    ``perform_once``, so a repeat is not refused because the first one moved the order on."""
    spec = ACTIONS[name]
    key = idempotency.posted_key(request)

    def perform() -> dict:
        order = visible_order(request, number)
        ctx = permissions.order_context(request.user, order)
        if not permissions.allowed(name, request.user, ctx):
            raise idempotency.Refused(Outcome(order, refused="您现在不能对该工单执行此操作。"))
        form = spec.form(request.POST, request.FILES, ctx=ctx, action=name)
        if form.is_valid():
            try:
                return {"message": spec.perform(ctx, form.cleaned_data, request.user)}
            except DomainError as error:
                form.add_error(None, error.message)
        raise idempotency.Refused(Outcome(order, form))

    try:
        once = idempotency.perform_once(
            key=key,
            actor=request.user,
            scope=f"order {number} {name}",
            fingerprint=idempotency.fingerprint(request.POST, request.FILES),
            perform=perform,
        )
    except idempotency.Refused as refused:
        outcome = refused.answer
        outcome.order = WorkOrder.objects.get(pk=outcome.order.pk)  # as it is now
        return outcome
    except idempotency.KeyReused as error:
        return Outcome(refused=error.message)
    return Outcome(done=once.result["message"])


def refusal_message(request: HttpRequest, order: WorkOrder, name: str, form) -> str:
    """Why the posted action did not happen, for the top of the page — or "" when the form is
    shown again: each error once, in its form (which takes the cursor), no banner repeating it.
    Only when the form is gone (someone else moved the order on) does the top say why."""
    ctx = permissions.order_context(request.user, order)
    if permissions.allowed(name, request.user, ctx):
        return ""
    return join_sentences(form.non_field_errors()) or f"{ACTIONS[name].title}未完成。"


@login_required
@require_POST
def order_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One action, once per submitted form: the same form posted again answers with the first
    message and redirect, and does nothing."""
    if action not in ACTIONS:
        raise Http404("没有这个操作。")
    outcome = take_action(request, number, action)
    if outcome.done:
        messages.success(request, f"工单 {number}：{outcome.done}")
        return _back(request, number)
    if outcome.form is None:
        if outcome.order is not None:  # not this user's action on this order now
            raise PermissionDenied(outcome.refused)
        messages.error(request, outcome.refused)  # the key came with another form
        return _back(request, number)
    order = outcome.order
    if message := refusal_message(request, order, action, outcome.form):
        messages.error(request, message)
    ctx = permissions.order_context(request.user, order)
    context = detail_context(request, order, ctx, bound={action: outcome.form})
    return render_order_page(request, context, status=400)


def _back(request: HttpRequest, number: str) -> HttpResponse:
    """Back to the page, which shows the order's new state; or, should the action have taken
    the order out of this user's sight, to their workbench instead of a 404. (The callback
    agent keeps what they archived or sent back: orders_visible_to, 我已处理.)"""
    if orders_visible_to(request.user).filter(number=number).exists():
        url = reverse("order-detail", args=[number])
    else:
        try:
            url = reverse("work-home")
        except NoReverseMatch:
            url = "/"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
