"""The department's work after signing: extensions and the reply."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from minyi.core import clock, timefmt
from minyi.core.bounds import check_date, check_deadline, check_length
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders import text_limits as limits
from minyi.orders.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventKind,
    ExtensionRequest,
    Reply,
    ReplyMethod,
    Solved,
    Status,
)
from minyi.orders.services.common import (
    lock_assignment,
    lock_pending_request,
    record_ruling,
    requests_lapse,
    require_status,
    transition,
)
from minyi.orders.services.deadlines import iso


@transaction.atomic
def extension_request(
    *, assignment: Assignment, requested_due: datetime, reason: str, actor=None
) -> ExtensionRequest:
    """延期申请, asked before the handling deadline passes."""
    assignment, order = lock_assignment(assignment)
    require_status(order, [Status.SIGNED, Status.DISPATCHED], "申请延期")
    if assignment.status != AssignmentStatus.SIGNED:
        raise InvalidTransition("请先签收，再申请延期。")
    if not (reason or "").strip():
        raise ValidationFailed("请写明延期理由。")
    check_length(reason.strip(), label="延期理由", max_length=limits.NOTE)
    now = clock.now()
    if assignment.reply_due is None:
        raise InvalidTransition("该任务尚无办结时限，无需延期。")
    if now > assignment.reply_due:
        raise InvalidTransition(
            f"办结时限（{timefmt.local_text(assignment.reply_due)}）已过，不能再申请延期。"
        )
    if requested_due <= assignment.reply_due:
        raise ValidationFailed("申请延至的时间须晚于现有办结时限。")
    check_deadline(requested_due, label="申请延至的时间", now=now)
    if assignment.extension_requests.filter(ruling=ExtensionRequest.Ruling.PENDING).exists():
        raise InvalidTransition("已有一份延期申请待审批。")
    request = ExtensionRequest.objects.create(
        assignment=assignment,
        reason=reason.strip(),
        requested_due=requested_due,
        requested_by=actor,
        requested_at=now,
    )
    transition(
        order,
        EventKind.EXTENSION_REQUESTED,
        actor=actor,
        assignment=assignment,
        note=reason.strip(),
        request=request.pk,
        requested_due=iso(requested_due),
        current_due=iso(assignment.reply_due),
    )
    return request


def _lock_extension(request: ExtensionRequest):
    """Lock a pending request whose part is still being handled: only then does a ruling mean
    anything (a part that ended took its requests with it, ``requests_lapse``)."""
    request, assignment, order = lock_pending_request(
        ExtensionRequest, request, already="该延期申请已审批。"
    )
    if assignment.status != AssignmentStatus.SIGNED or order.status not in (
        Status.SIGNED,
        Status.DISPATCHED,
    ):
        raise InvalidTransition(
            f"任务当前为“{assignment.get_status_display()}”，延期申请已无需审批。"
        )
    return request, assignment, order


@transaction.atomic
def extension_approve(
    *, request: ExtensionRequest, approved_due: datetime | None = None, note: str = "", actor=None
) -> ExtensionRequest:
    """批准延期: the new due date replaces the old one and no longer follows the calendar."""
    check_length((note or "").strip(), label="审批意见", max_length=limits.NOTE)
    request, assignment, order = _lock_extension(request)
    now = clock.now()
    due = approved_due or request.requested_due
    if due <= now:
        raise ValidationFailed("批准延至的时间须晚于当前时间。")
    check_deadline(due, label="批准延至的时间", now=now)
    request.approved_due = due
    record_ruling(
        request, ExtensionRequest.Ruling.APPROVED, actor=actor, note=note, fields=["approved_due"]
    )
    old_due = assignment.reply_due
    assignment.reply_due, assignment.reply_due_provisional, assignment.reply_due_fixed = (
        due,
        False,
        True,
    )
    assignment.save(update_fields=["reply_due", "reply_due_provisional", "reply_due_fixed"])
    transition(
        order,
        EventKind.EXTENSION_APPROVED,
        actor=actor,
        assignment=assignment,
        note=note.strip(),
        request=request.pk,
        old_due=iso(old_due),
        new_due=iso(due),
    )
    return request


@transaction.atomic
def extension_deny(*, request: ExtensionRequest, note: str, actor=None) -> ExtensionRequest:
    """不批准延期: the part keeps its deadline; the deputy is told the order's deadline in force."""
    if not (note or "").strip():
        raise ValidationFailed("不批准延期须写明理由。")
    check_length(note.strip(), label="不批准理由", max_length=limits.NOTE)
    request, assignment, order = _lock_extension(request)
    record_ruling(request, ExtensionRequest.Ruling.DENIED, actor=actor, note=note)
    transition(
        order,
        EventKind.EXTENSION_DENIED,
        actor=actor,
        assignment=assignment,
        note=note.strip(),
        request=request.pk,
        reply_due=iso(assignment.reply_due),
        order_due=iso(order.reply_due),
    )
    return request


@transaction.atomic
def assignment_reply(
    *,
    assignment: Assignment,
    content: str,
    method: str,
    solved: str,
    plan: str = "",
    plan_due=None,
    actor=None,
) -> Reply:
    """答复. When the matter is not (fully) solved, the plan and its timetable are required, as the
    seeds ask: 告知代表下一步工作安排和完成时限."""
    assignment, order = lock_assignment(assignment)
    require_status(order, [Status.SIGNED, Status.DISPATCHED], "答复")
    if assignment.status != AssignmentStatus.SIGNED:
        raise InvalidTransition(
            f"任务当前为“{assignment.get_status_display()}”，须签收后才能答复。"
        )
    if not (content or "").strip():
        raise ValidationFailed("请填写答复内容。")
    if method not in ReplyMethod.values:
        raise ValidationFailed("请选择答复方式（电话、短信等）。")
    if solved not in Solved.values:
        raise ValidationFailed("请选择解决情况。")
    if solved != Solved.SOLVED and (not (plan or "").strip() or plan_due is None):
        raise ValidationFailed("未完全解决的，须写明下一步措施和计划完成时间。")
    check_length(content.strip(), label="答复内容", max_length=limits.REPLY)
    check_length((plan or "").strip(), label="下一步措施", max_length=limits.PLAN)
    check_date(plan_due, label="计划完成时间")
    now = clock.now()
    reply = Reply.objects.create(
        order=order,
        assignment=assignment,
        content=content.strip(),
        method=method,
        solved=solved,
        plan=(plan or "").strip(),
        plan_due=plan_due,
        author=actor,
        at=now,
    )
    assignment.status, assignment.replied_at = AssignmentStatus.REPLIED, now
    assignment.save(update_fields=["status", "replied_at"])
    is_lead = assignment.role == AssignmentRole.LEAD
    if is_lead:
        order.replied_at = now
    transition(
        order,
        EventKind.REPLIED,
        to=Status.REPLIED if is_lead else None,
        actor=actor,
        assignment=assignment,
        fields=["replied_at"] if is_lead else [],
        note=content.strip(),
        reply=reply.pk,
        solved=solved,
        method=method,
        on_time=assignment.reply_due is None or now <= assignment.reply_due,
        department=assignment.department.name,
    )
    # the part is over: an extension it asked for has nothing left to extend
    requests_lapse(order, [assignment.pk], cause=EventKind.REPLIED, actor=actor)
    return reply
