"""Intake: record an order and decide it — 受理 or 不予受理 (``order_intake``, ``order_decide``) — or
answer an accepted one directly.

The decision is taken before the requester is told anything: an out-of-scope matter goes from
draft straight to rejected, so the deputy gets one SMS, with the reason and the basis (韶山:
"对不属于受理范围的事项，第一时间告知人大代表理由及依据"), never "已受理" first.
"""

from __future__ import annotations

from django.db import transaction

from minyi.core import clock
from minyi.core.bounds import check_length
from minyi.core.errors import ValidationFailed
from minyi.orders import text_limits as limits
from minyi.orders.models import Channel, EventKind, Reply, ReplyMethod, Solved, Status, WorkOrder
from minyi.orders.services.common import (
    event_new,
    lock_order,
    messages_follow,
    record_events,
    require_status,
    transition,
    transition_apply,
)
from minyi.orders.services.created import created_mark
from minyi.orders.services.numbering import order_number_next
from minyi.reference.models import Complexity, RequestType, ScopeReason, Urgency
from minyi.workdays.calendar import SHANGHAI


@transaction.atomic
def order_create(
    *,
    channel: str,
    request_type: RequestType,
    title: str,
    content: str,
    actor=None,
    requester_name: str = "",
    requester_phone: str = "",
    is_anonymous: bool = False,
    deputy=None,
    urgency: str = Urgency.NORMAL,
    complexity: str = Complexity.NORMAL,
    category=None,
    region=None,
    address: str = "",
    accept: bool = False,
) -> WorkOrder:
    """Record a new order (draft), or record and accept it in one step (``accept=True``).

    Accepted at once, the order is inserted in its accepted state and its two events
    (``created``, ``accepted``) are written together (``record_events``): the order is not
    locked and updated again right after it was inserted. The instance returned carries the mark
    of this transaction (``created.py``), so the next service on it here does not lock it."""
    if channel not in Channel.values:
        raise ValidationFailed(f"未知的来源渠道：{channel}")
    if urgency not in Urgency.values or complexity not in Complexity.values:
        raise ValidationFailed("紧急程度或复杂程度取值无效。")
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ValidationFailed("请填写工单标题。")
    if not content:
        raise ValidationFailed("请填写诉求内容。")
    for label, value, max_length in (
        ("工单标题", title, limits.TITLE),
        ("诉求内容", content, limits.CONTENT),
        ("诉求人姓名", requester_name, limits.NAME),
        ("联系电话", requester_phone, limits.PHONE),
        ("事发地址", address, limits.ADDRESS),
    ):
        check_length((value or "").strip(), label=label, max_length=max_length)
    if channel == Channel.DEPUTY_CALL and deputy is None:
        raise ValidationFailed("代表来电工单必须关联代表。")
    if not is_anonymous and not (requester_name.strip() or deputy):
        raise ValidationFailed("请填写诉求人姓名，或勾选匿名。")
    now = clock.now()
    order = WorkOrder(
        number=order_number_next(day=now.astimezone(SHANGHAI).date()),
        channel=channel,
        status=Status.DRAFT,
        requester_name=(deputy.name if deputy and not requester_name else requester_name).strip(),
        requester_phone=requester_phone.strip(),
        is_anonymous=is_anonymous,
        protect_identity=request_type.is_report,
        deputy=deputy,
        request_type=request_type,
        urgency=urgency,
        complexity=complexity,
        category=category,
        region=region,
        address=address.strip(),
        title=title,
        content=content,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    events = [
        event_new(order, EventKind.CREATED, actor=actor, to_status=Status.DRAFT, channel=channel)
    ]
    if accept:
        events += _accepted(order, actor, assignments=[])[1]  # a new order has no parts
    order.save(force_insert=True)
    record_events(order, events)
    created_mark(order)
    return order


ACCEPT, REJECT = "accept", "reject"
DECISIONS = ((ACCEPT, "受理"), (REJECT, "不予受理"))


def _check_decision(decision: str, reason: ScopeReason | None) -> None:
    if decision not in (ACCEPT, REJECT):
        raise ValidationFailed("请选择受理或不予受理。")
    if decision == REJECT and reason is None:
        raise ValidationFailed("不予受理须选择理由（告知代表的理由及依据）。")


@transaction.atomic
def order_intake(
    *,
    decision: str = "",
    reason: ScopeReason | None = None,
    basis: str = "",
    actor=None,
    **fields,
) -> WorkOrder:
    """Record an order and decide it at once, in one transaction: 受理 (accepted) or 不予受理
    (rejected with ``reason`` and ``basis``). ``fields`` are ``order_create``'s. Nothing is
    recorded (and no number used) when the decision is incomplete."""
    _check_decision(decision, reason)
    order = order_create(actor=actor, **fields)
    return order_decide(order=order, decision=decision, reason=reason, basis=basis, actor=actor)


@transaction.atomic
def order_decide(
    *,
    order: WorkOrder,
    decision: str,
    reason: ScopeReason | None = None,
    basis: str = "",
    actor=None,
) -> WorkOrder:
    """The intake decision on a draft: 受理 or 不予受理. Told to the requester once."""
    _check_decision(decision, reason)
    order = lock_order(order)
    require_status(order, [Status.DRAFT], "作出受理决定")
    if decision == ACCEPT:
        return _accept(order, actor)
    return _reject(order, reason=reason, basis=basis, actor=actor)


@transaction.atomic
def order_accept(*, order: WorkOrder, actor=None) -> WorkOrder:
    return _accept(lock_order(order), actor)


def _accepted(order: WorkOrder, actor, assignments=None) -> tuple[list[str], list]:
    """受理 in memory: the order moves and its dispatch clock starts; returns the fields to save
    and the events to write (the caller saves the order and writes them)."""
    require_status(order, [Status.DRAFT], "受理")
    order.accepted_at = clock.now()
    return transition_apply(
        order,
        EventKind.ACCEPTED,
        to=Status.ACCEPTED,
        actor=actor,
        fields=["accepted_at"],
        assignments=assignments,
    )


def _accept(order: WorkOrder, actor) -> WorkOrder:
    """受理 of a locked draft."""
    fields, events = _accepted(order, actor)
    order.save(update_fields=fields)
    record_events(order, events)
    return order


@transaction.atomic
def order_reject(
    *, order: WorkOrder, reason: ScopeReason, basis: str = "", actor=None
) -> WorkOrder:
    """不予受理, with a reason code and the basis told to the deputy (DESIGN §5). At intake this
    is ``order_decide``'s; on an accepted order it is the dispatcher's later finding (a matter
    returned by every department that turns out to be nobody's)."""
    return _reject(lock_order(order), reason=reason, basis=basis, actor=actor)


def _reject(order: WorkOrder, *, reason: ScopeReason, basis: str, actor) -> WorkOrder:
    """不予受理 of a locked order."""
    require_status(order, [Status.DRAFT, Status.ACCEPTED], "不予受理")
    if not reason.is_active:
        raise ValidationFailed("该不予受理理由已停用。")
    check_length((basis or "").strip(), label="不予受理依据", max_length=limits.NOTE)
    order.reject_reason = reason
    order.reject_basis = (basis or reason.basis).strip()
    order.closed_at = clock.now()
    event = transition(
        order,
        EventKind.REJECTED,
        to=Status.REJECTED,
        actor=actor,
        fields=["reject_reason", "reject_basis", "closed_at"],
        reason=reason.code,
        note=order.reject_basis,
    )
    messages_follow(order, event)  # a 码上找代表 message is open again, with the reason
    return order


@transaction.atomic
def order_direct_answer(
    *,
    order: WorkOrder,
    content: str,
    method: str = ReplyMethod.HOTLINE,
    solved: str = Solved.SOLVED,
    actor=None,
) -> WorkOrder:
    """The hotline answers without a department (e.g. a policy question); goes to callback."""
    order = lock_order(order)
    require_status(order, [Status.ACCEPTED], "直接答复")
    if not (content or "").strip():
        raise ValidationFailed("请填写答复内容。")
    if method not in ReplyMethod.values or solved not in Solved.values:
        raise ValidationFailed("答复方式或解决情况取值无效。")
    check_length(content.strip(), label="答复内容", max_length=limits.REPLY)
    now = clock.now()
    Reply.objects.create(
        order=order, content=content.strip(), method=method, solved=solved, author=actor, at=now
    )
    order.replied_at = now
    transition(
        order,
        EventKind.DIRECT_ANSWER,
        to=Status.CALLBACK,
        actor=actor,
        fields=["replied_at"],
        note=content.strip(),
    )
    return order
