"""Dispatch to departments, sign for, return, and the dispatcher's ruling on a return."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from minyi.core import clock, timefmt
from minyi.core.bounds import check_length
from minyi.core.errors import DomainError, InvalidTransition, ValidationFailed
from minyi.orders import text_limits
from minyi.orders.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Attachment,
    AttachmentKind,
    EventKind,
    ReturnRequest,
    Status,
    WorkOrder,
)
from minyi.orders.services.common import (
    assignments_cancel,
    lock_assignment,
    lock_order,
    lock_pending_request,
    record_event,
    record_ruling,
    requests_lapse,
    require_status,
    transition,
)
from minyi.orders.services.deadlines import (
    REPLY_CLOCK_FIELDS,
    assignment_start_clocks,
    assignment_start_reply_clock,
    iso,
)
from minyi.reference.limits import limits_for_order
from minyi.reference.models import Department
from minyi.uploads import check_upload
from minyi.workdays.calendar import get_calendar


@transaction.atomic
def order_dispatch(
    *,
    order: WorkOrder,
    lead: Department,
    assisting: Sequence[Department] = (),
    note: str = "",
    actor=None,
    rules=None,
) -> WorkOrder:
    """派单: one lead department and any assisting ones. The dispatch clock stops (the event says
    whether in time); the sign-for, return and (by default) handling clocks start now."""
    check_length((note or "").strip(), label="派单说明", max_length=text_limits.NOTE)
    order = lock_order(order)
    require_status(order, [Status.ACCEPTED], "派单")
    assisting = list(dict.fromkeys(assisting))
    if lead in assisting:
        raise ValidationFailed("主办单位不能同时是协办单位。")
    inactive = [d.name for d in [lead, *assisting] if not d.is_active]
    if inactive:
        raise ValidationFailed(f"承办单位已停用：{'、'.join(inactive)}")
    now = clock.now()
    cal = get_calendar()
    limits = limits_for_order(order, rules)
    created = []
    for department, role in [(lead, AssignmentRole.LEAD)] + [
        (d, AssignmentRole.ASSISTING) for d in assisting
    ]:
        a = Assignment(
            order=order,
            department=department,
            role=role,
            dispatched_at=now,
            dispatched_by=actor,
            limits=limits,
        )
        assignment_start_clocks(a, at=now, cal=cal)
        created.append(a)
    Assignment.objects.bulk_create(created)
    transition(
        order,
        EventKind.DISPATCHED,
        to=Status.DISPATCHED,
        actor=actor,
        # An accepted order has no live part (acceptance gives none; a lead's accepted return
        # ends them all): its parts are the ones just created, no need to read them back.
        assignments=created,
        note=note,
        lead=lead.pk,
        assisting=[d.pk for d in assisting],
        departments=[d.name for d in [lead, *assisting]],
        # the order row is synced inside transition(), after these arguments are evaluated
        sign_due=iso(min(a.sign_due for a in created)),
        reply_due=iso(created[0].reply_due),  # the lead's (None while its clock waits for sign-for)
        dispatch_due=iso(order.dispatch_due),
        dispatch_on_time=order.dispatch_due is None or now <= order.dispatch_due,
    )
    return order


@transaction.atomic
def assignment_sign(*, assignment: Assignment, actor=None) -> Assignment:
    """签收. Exactly one of two simultaneous signs succeeds: both lock the order row first."""
    assignment, order = lock_assignment(assignment)
    require_status(order, [Status.DISPATCHED, Status.SIGNED, Status.RETURNED], "签收")
    if assignment.status != AssignmentStatus.PENDING:
        raise InvalidTransition(
            f"{assignment.department.name} 的任务当前为“{assignment.get_status_display()}”，不能重复签收。"
        )
    now = clock.now()
    assignment.status = AssignmentStatus.SIGNED
    assignment.signed_at, assignment.signed_by = now, actor
    fields = ["status", "signed_at", "signed_by"]
    if assignment.reply_clock_start is None:  # a rule that starts handling at sign-for
        assignment_start_reply_clock(assignment, at=now)
        fields += REPLY_CLOCK_FIELDS
    assignment.save(update_fields=fields)
    lead_signs = assignment.role == AssignmentRole.LEAD and order.status == Status.DISPATCHED
    transition(
        order,
        EventKind.SIGNED,
        to=Status.SIGNED if lead_signs else None,
        actor=actor,
        assignment=assignment,
        department=assignment.department.name,
        on_time=assignment.sign_due is None or now <= assignment.sign_due,
        reply_due=iso(assignment.reply_due),
    )
    return assignment


@transaction.atomic
def attachment_add(
    *, order: WorkOrder, file, name: str = "", kind: str = AttachmentKind.GENERAL, actor=None
) -> Attachment:
    """Store a file for the order. Every uploaded file comes in here, and through the upload
    check first (minyi.uploads: type by content, extension, size, zip bombs, images re-encoded
    without metadata): a refused file raises ``UploadRefused`` and nothing is stored. The file
    is kept under a random name; ``name`` (default: the upload's) is only shown."""
    if kind not in AttachmentKind.values:
        raise ValidationFailed(f"未知的附件类型：{kind}")
    checked = check_upload(file, name=name)
    order = lock_order(order)
    attachment = Attachment(
        order=order,
        kind=kind,
        name=checked.name or f"附件{checked.extension}",
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    # attachment_path turns this into orders/<id>/<random token><extension>
    attachment.file.save(f"upload{checked.extension}", checked.content, save=False)
    attachment.save()
    record_event(
        order,
        EventKind.ATTACHMENT_ADDED,
        actor=actor,
        from_status=order.status,
        to_status=order.status,
        attachment=attachment.pk,
        name=attachment.name,
        attachment_kind=kind,
        content_type=attachment.content_type,
        size=attachment.size,
    )
    return attachment


@transaction.atomic
def assignment_return_request(
    *,
    assignment: Assignment,
    reason: str,
    suggested_department: Department | None,
    basis: str,
    leader_opinion: Attachment | None,
    actor=None,
) -> ReturnRequest:
    """退件: within the return limit, with reason, suggested department, basis and the leader's
    signed opinion as an attachment (衡阳 rules)."""
    assignment, order = lock_assignment(assignment)
    require_status(order, [Status.DISPATCHED, Status.SIGNED], "退件")
    if assignment.status not in (AssignmentStatus.PENDING, AssignmentStatus.SIGNED):
        raise InvalidTransition(f"任务当前为“{assignment.get_status_display()}”，不能退件。")
    now = clock.now()
    if assignment.return_due and now > assignment.return_due:
        raise InvalidTransition(
            f"已超过退件时限（{timefmt.local_text(assignment.return_due)}），请继续办理或申请延期。"
        )
    missing = [
        label
        for label, value in (("退件理由", reason), ("法定或职责依据", basis))
        if not (value or "").strip()
    ]
    if suggested_department is None:
        missing.append("建议承办单位")
    if leader_opinion is None:
        missing.append("领导签署意见附件")
    if missing:
        raise ValidationFailed(f"退件必须写明：{'、'.join(missing)}。")
    check_length(reason.strip(), label="退件理由", max_length=text_limits.NOTE)
    check_length(basis.strip(), label="法定或职责依据", max_length=text_limits.NOTE)
    if leader_opinion.order_id != order.pk or leader_opinion.kind != AttachmentKind.LEADER_OPINION:
        raise ValidationFailed("领导签署意见须作为本工单的“领导签署意见”附件上传。")
    if suggested_department.pk == assignment.department_id:
        raise ValidationFailed("建议承办单位不能是本单位。")
    request = ReturnRequest.objects.create(
        assignment=assignment,
        reason=reason.strip(),
        suggested_department=suggested_department,
        basis=basis.strip(),
        leader_opinion=leader_opinion,
        requested_by=actor,
        requested_at=now,
    )
    assignment.status_before_return = assignment.status
    assignment.status = AssignmentStatus.RETURN_REQUESTED
    assignment.save(update_fields=["status", "status_before_return"])
    transition(
        order,
        EventKind.RETURN_REQUESTED,
        to=Status.RETURNED if assignment.role == AssignmentRole.LEAD else None,
        actor=actor,
        assignment=assignment,
        note=reason.strip(),
        request=request.pk,
        suggested_department=suggested_department.name,
        basis=basis.strip()[:500],
    )
    return request


def assignment_return_with_opinion(
    *,
    assignment: Assignment,
    reason: str,
    suggested_department: Department | None,
    basis: str,
    opinion,
    actor=None,
) -> ReturnRequest:
    """申请退件 as the handler makes it: the leader's signed opinion (an uploaded file) and the
    return are one step. In one transaction, the file is stored as the order's 领导签署意见
    attachment (``attachment_add``: the upload check first) and the return is requested with it;
    if the return is refused, the attachment row goes with the transaction and the file written
    to storage is removed, so a refusal leaves nothing behind."""
    if opinion is None:
        raise ValidationFailed("退件必须写明：领导签署意见附件。")
    attachment = None
    try:
        with transaction.atomic():
            attachment = attachment_add(
                order=assignment.order,
                file=opinion,
                name=getattr(opinion, "name", ""),
                kind=AttachmentKind.LEADER_OPINION,
                actor=actor,
            )
            return assignment_return_request(
                assignment=assignment,
                reason=reason,
                suggested_department=suggested_department,
                basis=basis,
                leader_opinion=attachment,
                actor=actor,
            )
    except DomainError:
        if attachment is not None and attachment.file:
            attachment.file.storage.delete(attachment.file.name)
        raise


def _lock_return(request: ReturnRequest) -> tuple[ReturnRequest, Assignment, WorkOrder]:
    return lock_pending_request(ReturnRequest, request, already="该退件申请已审核。")


@transaction.atomic
def return_accept(
    *, request: ReturnRequest, note: str = "", redispatch_to: Department | None = None, actor=None
) -> WorkOrder:
    """同意退件: the department's part ends; a returned lead puts the order back in the dispatch
    queue, or straight to ``redispatch_to`` (usually the suggested department)."""
    check_length((note or "").strip(), label="审核意见", max_length=text_limits.NOTE)
    request, assignment, order = _lock_return(request)
    record_ruling(request, ReturnRequest.Ruling.ACCEPTED, actor=actor, note=note)
    assignment.status = AssignmentStatus.RETURNED
    assignment.save(update_fields=["status"])
    requests_lapse(order, [assignment.pk], cause=EventKind.RETURN_ACCEPTED, actor=actor)
    lead_returned = assignment.role == AssignmentRole.LEAD
    if lead_returned:  # the assisting departments start over with the new lead
        assignments_cancel(
            order, order.assignments.all(), cause=EventKind.RETURN_ACCEPTED, actor=actor
        )
    transition(
        order,
        EventKind.RETURN_ACCEPTED,
        to=Status.ACCEPTED if lead_returned else None,
        actor=actor,
        assignment=assignment,
        note=note.strip(),
        request=request.pk,
    )
    if redispatch_to is not None and order.status == Status.ACCEPTED:
        order = order_dispatch(
            order=order,
            lead=redispatch_to,
            note=f"退件后改派：{note}".strip("：")[: text_limits.NOTE],
            actor=actor,
        )
    return order


@transaction.atomic
def return_refuse(*, request: ReturnRequest, note: str, actor=None) -> WorkOrder:
    """驳回退件: back to the department, which must finish within the original deadline."""
    if not (note or "").strip():
        raise ValidationFailed("驳回退件须写明理由。")
    check_length(note.strip(), label="驳回理由", max_length=text_limits.NOTE)
    request, assignment, order = _lock_return(request)
    record_ruling(request, ReturnRequest.Ruling.REFUSED, actor=actor, note=note)
    assignment.status = assignment.status_before_return or AssignmentStatus.PENDING
    assignment.status_before_return = ""
    fields = ["status", "status_before_return"]
    if assignment.reply_clock_start is None:
        # Returned before signing under a sign-for rule: no clock yet. The original one counts
        # from receipt, so a return never buys time (驳回重办 "应在原办理时限内完成").
        assignment_start_reply_clock(assignment, at=assignment.dispatched_at)
        fields += REPLY_CLOCK_FIELDS
    assignment.save(update_fields=fields)
    back_to = None
    if assignment.role == AssignmentRole.LEAD:
        back_to = (
            Status.SIGNED if assignment.status == AssignmentStatus.SIGNED else Status.DISPATCHED
        )
    transition(
        order,
        EventKind.RETURN_REFUSED,
        to=back_to,
        actor=actor,
        assignment=assignment,
        note=note.strip(),
        request=request.pk,
        reply_due=iso(assignment.reply_due),
    )
    return order
