"""The actions of the order detail page: ``POST /work/orders/<number>/<action>/``.

One view for all of them:

1. anonymous → the sign-in page; an order not in ``orders_visible_to(user)`` → 404;
2. an action ``permissions`` does not allow this user on this order now → 403;
3. parse the action's form and call its service; a ``DomainError`` (or an invalid form)
   re-renders the page with the Chinese message and 400, shown once: in the form (which takes
   the focus), or at the top when the action is no longer offered;
4. success → a message and a redirect back to the page.

Each action is one entry in ``ACTIONS``: its form, its words and a function that calls the
service. The services do the work and write the ledger; nothing here saves a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from minyi.core.errors import DomainError
from minyi.core.sentences import join_sentences
from minyi.orders.models import AttachmentKind, Status, WorkOrder
from minyi.orders.selectors import orders_visible_to
from minyi.orders.services import closing, dispatch, handling, intake, rating
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
    # The leader's opinion and the return are one step for the handler: if the return is
    # refused, the attachment row goes too (the file left on disk is removed below).
    upload = data["leader_opinion"]
    attachment = None
    try:
        with transaction.atomic():
            attachment = dispatch.attachment_add(
                order=ctx.order,
                file=upload,
                name=upload.name,
                kind=AttachmentKind.LEADER_OPINION,
                actor=user,
            )
            dispatch.assignment_return_request(
                assignment=ctx.my_assignment,
                reason=data["reason"],
                suggested_department=data["suggested_department"],
                basis=data["basis"],
                leader_opinion=attachment,
                actor=user,
            )
    except DomainError:
        if attachment is not None and attachment.file:
            attachment.file.storage.delete(attachment.file.name)
        raise
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
    "sign": Action(f.SignForm, "签收", "签收", _sign),
    "return": Action(f.ReturnForm, "申请退件", "提交退件", _return, multipart=True),
    "extend": Action(f.ExtendForm, "申请延期", "提交延期申请", _extend),
    "reply": Action(f.ReplyForm, "答复", "提交答复", _reply),
    "callback": Action(f.CallbackForm, "记录回访", "保存回访", _callback),
    "archive": Action(f.ArchiveForm, "归档", "归档", _archive),
    "redo": Action(f.RedoForm, "发回重办", "发回重办", _redo),
    "rate": Action(f.RateForm, "评价办理结果", "提交评价", _rate),
}
assert set(ACTIONS) == set(permissions.ACTION_NAMES), "every rule needs a form, and back"


@dataclass
class ActionForm:
    name: str
    title: str
    button: str
    form: f.ActionForm
    multipart: bool


def action_forms(user, ctx: OrderContext, *, bound: dict) -> list[ActionForm]:
    """A form for each action this user may take now (``bound`` replaces a blank one)."""
    return [
        ActionForm(
            name,
            action.title,
            action.button,
            bound.get(name) or action.form(ctx=ctx, action=name),
            action.multipart,
        )
        for name, action in ACTIONS.items()
        if permissions.allowed(name, user, ctx)
    ]


@login_required
@require_POST
def order_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("没有这个操作。")
    order = visible_order(request, number)
    ctx = permissions.order_context(request.user, order)
    if not permissions.allowed(action, request.user, ctx):
        raise PermissionDenied("您现在不能对该工单执行此操作。")
    form = spec.form(request.POST, request.FILES, ctx=ctx, action=action)
    if form.is_valid():
        try:
            text = spec.perform(ctx, form.cleaned_data, request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"工单 {order.number}：{text}")
            return _back(request, order)
    order = WorkOrder.objects.get(pk=order.pk)  # the page shows the order as it is now
    ctx = permissions.order_context(request.user, order)
    if permissions.allowed(action, request.user, ctx):
        form.focus_on_errors()  # each error once, in its form: no banner repeating it
    else:  # the form is gone (someone else moved the order on): say why at the top
        messages.error(request, join_sentences(form.non_field_errors()) or f"{spec.title}未完成。")
    context = detail_context(request, order, ctx, bound={action: form})
    return render_order_page(request, context, status=400)


def _back(request: HttpRequest, order: WorkOrder) -> HttpResponse:
    """Back to the page, which shows the order's new state; or, should the action have taken
    the order out of this user's sight, to their workbench instead of a 404. (The callback
    agent keeps what they archived or sent back: orders_visible_to, 我已处理.)"""
    if orders_visible_to(request.user).filter(pk=order.pk).exists():
        url = reverse("order-detail", args=[order.number])
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
