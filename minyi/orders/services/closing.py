"""After the reply: callback, archive, redo, supervision; and the exits any open order can take
(escalation to an intersession deputy suggestion, merging a duplicate)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from minyi.core import clock
from minyi.core.bounds import check_deadline, check_length
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders import text_limits as limits
from minyi.orders.models import (
    OPEN_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Callback,
    CallbackRater,
    EventKind,
    Satisfaction,
    Status,
    Warning,
    WorkOrder,
)
from minyi.orders.services.common import (
    assignments_cancel,
    lock_order,
    messages_follow,
    record_event,
    require_status,
    transition,
)
from minyi.orders.services.deadlines import assignment_start_reply_clock, iso

# The open orders that may still be merged or escalated: not one in 跟踪督办, which has been
# replied to and called back, and ends only by the requester's confirmation (services/tracking.py).
OPEN = tuple(s for s in OPEN_STATUSES if s != Status.TRACKING)
# Escalation acts on orders the hotline has accepted, not on drafts.
ACCEPTED_AND_OPEN = [s for s in OPEN if s != Status.DRAFT]
# 督办 presses the department that holds the order: only once it has been dispatched, and until
# it is finished (from callback it sends the order back to the lead department).
SUPERVISABLE = [
    Status.DISPATCHED,
    Status.RETURNED,
    Status.SIGNED,
    Status.REPLIED,
    Status.CALLBACK,
]

# A matter not accepted (不予受理) may still go to the liaison committee: "不属于市12345热线受理
# 范围的，可报市人大常委会代表联络机构，以闭会期间人大代表建议的方式交相关部门办理".
ESCALATABLE = [*ACCEPTED_AND_OPEN, Status.REJECTED]
# After this many unanswered callback attempts an order may be archived without a rating.
UNREACHABLE_ATTEMPTS_TO_ARCHIVE = 3
DISSATISFIED_NEXT_STEP = "代表或群众对办理结果不满意，请发回重办或转督办，不能{action}。"


def _last_callback(order: WorkOrder) -> Callback | None:
    return order.callbacks.order_by("-at", "-id").first()


def callback_refusal(order: WorkOrder) -> str:
    """Why another callback of ``order`` is refused now ("" when it may be made). A dissatisfied
    callback is answered by redo or supervision (衡阳 第四步: "不满意的，则发回重办或转入督办程序"),
    not by calling again until someone says satisfied. The service and the buttons ask this."""
    if order.status != Status.CALLBACK:
        return ""  # a new reply starts a new round of callbacks
    last = _last_callback(order)
    if last is not None and last.satisfaction == Satisfaction.DISSATISFIED:
        return DISSATISFIED_NEXT_STEP.format(action="再次回访")
    return ""


def archive_refusal(order: WorkOrder) -> str:
    """Why ``order`` (in callback) cannot be archived now, "" when it can: "满意的，则审结归档；
    不满意的，则发回重办或转入督办程序" (衡阳 第四步). The service and the buttons ask this."""
    callbacks = list(order.callbacks.order_by("-at", "-id"))
    if not callbacks:
        return "尚未回访，不能归档。"
    last = callbacks[0]
    if last.satisfaction == Satisfaction.DISSATISFIED:
        return DISSATISFIED_NEXT_STEP.format(action="归档")
    unreachable = sum(1 for c in callbacks if c.satisfaction == Satisfaction.UNREACHABLE)
    if (
        last.satisfaction == Satisfaction.UNREACHABLE
        and unreachable < UNREACHABLE_ATTEMPTS_TO_ARCHIVE
    ):
        return (
            f"回访未接通（已尝试 {unreachable} 次），"
            f"须接通或尝试满 {UNREACHABLE_ATTEMPTS_TO_ARCHIVE} 次后才能归档。"
        )
    return ""


@transaction.atomic
def order_callback(
    *,
    order: WorkOrder,
    satisfaction: str,
    solved: bool | None = None,
    note: str = "",
    actor=None,
    rater: str = CallbackRater.AGENT,
) -> Callback:
    """回访: one call attempt. 未接通 keeps the order in callback for another try. ``rater`` says
    who gave the rating: the agent, or the deputy on their own page (services/rating.py)."""
    check_length((note or "").strip(), label="回访记录", max_length=limits.NOTE)
    order = lock_order(order)
    require_status(order, [Status.REPLIED, Status.CALLBACK], "回访")
    if refusal := callback_refusal(order):
        raise InvalidTransition(refusal)
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed("请选择满意度（满意、基本满意、不满意、未接通）。")
    reached = satisfaction != Satisfaction.UNREACHABLE
    if reached and solved is None:
        raise ValidationFailed("请记录诉求是否已解决。")
    callback = Callback.objects.create(
        order=order,
        satisfaction=satisfaction,
        solved=solved if reached else None,
        note=(note or "").strip(),
        rater=rater,
        agent=actor,
        at=clock.now(),
    )
    fields = []
    if reached:
        order.satisfaction, order.solved_confirmed = satisfaction, solved
        fields = ["satisfaction", "solved_confirmed"]
    transition(
        order,
        EventKind.CALLED_BACK,
        to=Status.CALLBACK,
        actor=actor,
        fields=fields,
        note=callback.note,
        callback=callback.pk,
        satisfaction=satisfaction,
        solved=callback.solved,
        rater=rater,
    )
    return callback


@transaction.atomic
def order_archive(*, order: WorkOrder, note: str = "", actor=None) -> WorkOrder:
    """归档, after a callback that reached someone who is not dissatisfied (or after the
    attempts that reached nobody); ``archive_refusal`` says why not. An order whose reply did not
    solve the matter (暂未解决, 部分解决) is not closed but 列入跟踪督办 (services/tracking.py)."""
    from minyi.orders.services.tracking import tracking_applies, tracking_open

    check_length((note or "").strip(), label="归档说明", max_length=limits.NOTE)
    order = lock_order(order)
    require_status(order, [Status.CALLBACK], "归档")
    if refusal := archive_refusal(order):
        raise InvalidTransition(refusal)
    last = _last_callback(order)
    unsolved = tracking_applies(order)
    # An assisting part that never replied ends with the order (tracked: the lead carries on).
    cause = EventKind.TRACKING_OPENED if unsolved else EventKind.ARCHIVED
    cancelled = _cancel_active_assignments(order, cause=cause, actor=actor)
    if unsolved is not None:
        tracking_open(
            order=order,
            reply=unsolved,
            note=note or "",
            actor=actor,
            satisfaction=last.satisfaction,
            cancelled_assignments=cancelled,
        )
        return order
    order.closed_at = clock.now()
    event = transition(
        order,
        EventKind.ARCHIVED,
        to=Status.ARCHIVED,
        actor=actor,
        fields=["closed_at"],
        note=note or "",
        satisfaction=last.satisfaction,
        cancelled_assignments=cancelled,
    )
    messages_follow(order, event)  # a 码上找代表 message gets the result to answer with
    return order


def _reopen_lead(order: WorkOrder, *, due: datetime | None, actor) -> dict:
    """Send the lead department's part back to handling with a new deadline."""
    lead = (
        order.assignments.select_for_update()
        .filter(role=AssignmentRole.LEAD, status=AssignmentStatus.REPLIED)
        .first()
    )
    if lead is None:
        raise InvalidTransition("该工单没有已答复的主办单位，无法发回重办。")
    now = clock.now()
    if due is not None:
        if due <= now:
            raise ValidationFailed("重办时限须晚于当前时间。")
        check_deadline(due, label="重办时限", now=now)
        lead.reply_clock_start, lead.reply_due, lead.reply_due_provisional, lead.reply_due_fixed = (
            now,
            due,
            False,
            True,
        )
    else:
        assignment_start_reply_clock(lead, at=now)
    lead.status, lead.replied_at = AssignmentStatus.SIGNED, None
    lead.save(
        update_fields=[
            "status",
            "replied_at",
            "reply_clock_start",
            "reply_due",
            "reply_due_provisional",
            "reply_due_fixed",
        ]
    )
    order.redo_count += 1
    order.replied_at = None
    return {
        "assignment": lead,
        "reply_due": iso(lead.reply_due),
        "department": lead.department.name,
    }


@transaction.atomic
def order_redo(
    *, order: WorkOrder, note: str, due: datetime | None = None, actor=None
) -> WorkOrder:
    """发回重办: the lead department handles again, with a new deadline (by the rule, or ``due``)."""
    if not (note or "").strip():
        raise ValidationFailed("发回重办须写明理由。")
    check_length(note.strip(), label="发回重办理由", max_length=limits.NOTE)
    order = lock_order(order)
    require_status(order, [Status.CALLBACK, Status.REPLIED], "发回重办")
    reopened = _reopen_lead(order, due=due, actor=actor)
    transition(
        order,
        EventKind.REDO,
        to=Status.SIGNED,
        actor=actor,
        fields=["redo_count", "replied_at"],
        note=note,
        redo_count=order.redo_count,
        **reopened,
    )
    return order


@transaction.atomic
def order_supervise(
    *, order: WorkOrder, level: str, note: str, due: datetime | None = None, actor=None
) -> WorkOrder:
    """督办 (yellow or red) of an order a department holds (``SUPERVISABLE``): sets the order's
    supervision flag, the only thing that may be called 督办 in a text. From callback it also sends
    the order back to the lead department."""
    if level not in (Warning.YELLOW, Warning.RED):
        raise ValidationFailed("督办级别须为黄色或红色。")
    if not (note or "").strip():
        raise ValidationFailed("请填写督办意见。")
    check_length(note.strip(), label="督办意见", max_length=limits.NOTE)
    order = lock_order(order)
    require_status(order, SUPERVISABLE, "督办")
    order.supervision = level
    fields = ["supervision"]
    extra: dict = {}
    to = None
    if order.status in (Status.CALLBACK, Status.REPLIED):
        extra = _reopen_lead(order, due=due, actor=actor)
        fields += ["redo_count", "replied_at"]
        to = Status.SIGNED
    transition(
        order,
        EventKind.SUPERVISED,
        to=to,
        actor=actor,
        fields=fields,
        note=note,
        level=level,
        **extra,
    )
    return order


def _cancel_active_assignments(order: WorkOrder, *, cause: str, actor) -> int:
    return assignments_cancel(order, order.assignments.all(), cause=cause, actor=actor)


@transaction.atomic
def order_escalate(*, order: WorkOrder, note: str, actor=None) -> WorkOrder:
    """转闭会期间代表建议: too complex for the hotline, or not the hotline's (不予受理); the
    liaison committee takes it on. The order's part only: call it through
    ``minyi.suggestions.services.suggestion_escalate``, which also records the suggestion."""
    if not (note or "").strip():
        raise ValidationFailed("请写明转为闭会期间代表建议的理由。")
    check_length(note.strip(), label="转为代表建议的理由", max_length=limits.NOTE)
    order = lock_order(order)
    require_status(order, ESCALATABLE, "转为代表建议")
    cancelled = _cancel_active_assignments(order, cause=EventKind.ESCALATED, actor=actor)
    order.closed_at = order.closed_at or clock.now()  # a rejected order closed when rejected
    event = transition(
        order,
        EventKind.ESCALATED,
        to=Status.ESCALATED,
        actor=actor,
        fields=["closed_at"],
        note=note,
        cancelled_assignments=cancelled,
    )
    messages_follow(order, event)  # a 码上找代表 message is open again, to tell the citizen
    return order


@transaction.atomic
def order_merge(*, order: WorkOrder, master: WorkOrder, note: str = "", actor=None) -> WorkOrder:
    """合并重复工单: the duplicate closes and points to the master, which gets an event too.
    A report (举报, the reporter's identity protected) merges only with another report."""
    if order.pk == master.pk:
        raise ValidationFailed("不能把工单合并到它自己。")
    check_length((note or "").strip(), label="合并说明", max_length=limits.NOTE)
    # lock both rows in id order so two opposite merges cannot deadlock
    first, second = sorted([order.pk, master.pk])
    locked = {first: lock_order(first), second: lock_order(second)}
    order, master = locked[order.pk], locked[master.pk]
    require_status(order, OPEN, "合并")
    if master.status == Status.MERGED:
        raise ValidationFailed(f"主工单 {master.number} 本身已并入其他工单，请合并到最终的主工单。")
    if master.status == Status.DRAFT:
        raise ValidationFailed("不能合并到草稿工单。")
    if order.protect_identity != master.protect_identity:
        # A department that handles both would read the link: the report's number on an order
        # whose requester it is shown, and so who reported (minyi/privacy/rules.py).
        raise ValidationFailed(
            "举报工单只能与举报工单合并：与其他工单合并会让承办单位从关联的工单得知举报人。"
        )
    cancelled = _cancel_active_assignments(order, cause=EventKind.MERGED, actor=actor)
    order.master = master
    order.closed_at = clock.now()
    event = transition(
        order,
        EventKind.MERGED,
        to=Status.MERGED,
        actor=actor,
        fields=["master", "closed_at"],
        note=note,
        master=master.pk,
        master_number=master.number,
        cancelled_assignments=cancelled,
    )
    record_event(
        master,
        EventKind.DUPLICATE_MERGED,
        actor=actor,
        from_status=master.status,
        to_status=master.status,
        note=note,
        duplicate=order.pk,
        duplicate_number=order.number,
    )
    messages_follow(order, event)  # a 码上找代表 message follows the master order
    return order
