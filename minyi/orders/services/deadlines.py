"""Deadlines of assignments and their copy on the order (DESIGN §3, §4).

An assignment keeps the limits in force at dispatch (``limits``) and the moments its clocks
started, so the same rule can be recomputed when the calendar changes. The order carries the
earliest open deadline (``next_due``), the moment it turns yellow (``warn_at``) and its warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from minyi.core import clock, timefmt
from minyi.orders.models import (
    ASSIGNMENT_ACTIVE,
    CLOSED_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventKind,
    Status,
    Warning,
    WorkOrder,
)
from minyi.reference.limits import Limit
from minyi.reference.models import ClockStart
from minyi.workdays.calendar import WorkCalendar, day_start, get_calendar

# The states in which a department is on the clock.
DEPARTMENT_STAGES = frozenset({Status.DISPATCHED, Status.RETURNED, Status.SIGNED})
WARNING_LEAD_HOURS = 24  # yellow one working day before a deadline


def _limit(assignment: Assignment, stage: str) -> Limit:
    return Limit.from_dict(assignment.limits[stage])


def assignment_start_clocks(
    assignment: Assignment, *, at: datetime, cal: WorkCalendar | None = None
) -> None:
    """Set the sign and return deadlines at dispatch, and the handling clock if it starts then."""
    cal = cal or get_calendar()
    sign = _limit(assignment, "sign")
    ret = _limit(assignment, "return")
    due = cal.due(at, sign.amount, sign.unit)
    assignment.sign_due, assignment.sign_due_provisional = due.at, due.provisional
    due = cal.due(at, ret.amount, ret.unit)
    assignment.return_due, assignment.return_due_provisional = due.at, due.provisional
    if _limit(assignment, "handle").clock_start == ClockStart.DISPATCH:
        assignment_start_reply_clock(assignment, at=at, cal=cal)


def assignment_start_reply_clock(
    assignment: Assignment, *, at: datetime, cal: WorkCalendar | None = None
) -> None:
    cal = cal or get_calendar()
    handle = _limit(assignment, "handle")
    due = cal.due(at, handle.amount, handle.unit)
    assignment.reply_clock_start = at
    assignment.reply_due, assignment.reply_due_provisional = due.at, due.provisional
    assignment.reply_due_fixed = False


def assignment_recompute(assignment: Assignment, cal: WorkCalendar) -> dict[str, list]:
    """Recompute the running deadlines from their stored starts; return what moved."""
    changes: dict[str, list] = {}

    def apply(field: str, start: datetime, stage: str) -> None:
        limit = _limit(assignment, stage)
        due = cal.due(start, limit.amount, limit.unit)
        old_at, old_prov = getattr(assignment, field), getattr(assignment, f"{field}_provisional")
        if (old_at, old_prov) != (due.at, due.provisional):
            changes[field] = [iso(old_at), iso(due.at), old_prov, due.provisional]
            setattr(assignment, field, due.at)
            setattr(assignment, f"{field}_provisional", due.provisional)

    if assignment.status == AssignmentStatus.PENDING:
        apply("sign_due", assignment.dispatched_at, "sign")
    if assignment.status in ASSIGNMENT_ACTIVE:
        apply("return_due", assignment.dispatched_at, "return")
        if assignment.reply_clock_start and not assignment.reply_due_fixed:
            apply("reply_due", assignment.reply_clock_start, "handle")
    return changes


def iso(value: datetime | None) -> str | None:
    return timefmt.iso(value) if value else None


def warning_lead_hours(limit: Limit | None) -> float:
    """Yellow one working day before a deadline; for a limit of a day or less (sign-for in 24
    working hours, urgent matters) at half time, so a fresh order does not start yellow."""
    if limit is None:
        return WARNING_LEAD_HOURS
    span = limit.amount if limit.unit == "working_hours" else limit.amount * 24
    return min(WARNING_LEAD_HOURS, span / 2)


def warning_level(order: WorkOrder, now: datetime) -> str:
    if order.next_due is None:
        return Warning.NONE
    if order.next_due < now:
        return Warning.RED
    if order.warn_at is not None and order.warn_at <= now:
        return Warning.YELLOW
    return Warning.NONE


def order_sync_deadlines(
    order: WorkOrder,
    assignments: Iterable[Assignment] | None = None,
    *,
    cal: WorkCalendar | None = None,
) -> list[str]:
    """Copy the open deadlines of the active assignments onto the order. Returns changed fields
    (the caller saves them). The warning follows the deadlines, so an approved extension clears
    a red order at once; ``sla_scan`` raises warnings as time passes."""
    cal = cal or get_calendar()
    if assignments is None:
        assignments = list(order.assignments.all())
    active = [a for a in assignments if a.status in ASSIGNMENT_ACTIVE]
    open_for_department = order.status in DEPARTMENT_STAGES
    sign = [
        (a.sign_due, a.sign_due_provisional, warning_lead_hours(_limit(a, "sign")))
        for a in active
        if a.status == AssignmentStatus.PENDING and a.sign_due
    ]
    reply = [
        (
            a.reply_due,
            a.reply_due_provisional,
            warning_lead_hours(None if a.reply_due_fixed else _limit(a, "handle")),
        )
        for a in active
        if a.reply_due
    ]
    lead = next((a for a in active if a.role == AssignmentRole.LEAD), None)

    values = {
        "sign_due": None,
        "return_due": None,
        "reply_due": None,
        "next_due": None,
        "warn_at": None,
        "deadline_provisional": False,
    }
    if open_for_department:
        if sign:
            values["sign_due"] = min(sign)[0]
        if lead is not None:
            values["return_due"] = lead.return_due
            values["reply_due"] = lead.reply_due
        duties = sign + reply
        if duties:
            next_due, _, lead_hours = min(duties)
            values["next_due"] = next_due
            values["warn_at"] = cal.subtract_working_hours(next_due, lead_hours)
        values["deadline_provisional"] = any(p for _, p, _ in duties)
    changed = [f for f, v in values.items() if getattr(order, f) != v]
    for field, value in values.items():
        setattr(order, field, value)
    level = warning_level(order, clock.now())
    if level != order.warning:
        order.warning = level
        changed.append("warning")
    return changed


def _day_bounds(days: list[date]) -> tuple[datetime, datetime]:
    return day_start(min(days)), day_start(max(days) + timedelta(days=1))


def deadlines_recompute_for_dates(*, dates: Iterable[date], actor=None, reason: str = "") -> int:
    """After a calendar edit: recompute every running deadline whose window touches the changed
    dates; write one event per order whose deadlines moved. Returns the number of such orders."""
    from minyi.orders.services.common import record_event

    days = sorted(set(dates))
    if not days:
        return 0
    first, last = _day_bounds(days)
    cal = get_calendar()
    touching = (
        Assignment.objects.filter(status__in=ASSIGNMENT_ACTIVE, dispatched_at__lt=last)
        .filter(Q(sign_due__gte=first) | Q(return_due__gte=first) | Q(reply_due__gte=first))
        # An archived order can keep an assisting part that never replied; its ledger is closed.
        .exclude(order__status__in=CLOSED_STATUSES)
        .order_by("order_id", "id")
    )
    moved: dict[int, dict] = defaultdict(dict)
    with transaction.atomic():
        order_ids = sorted(set(touching.values_list("order_id", flat=True)))
        for start in range(0, len(order_ids), 500):
            chunk = order_ids[start : start + 500]
            orders = {
                o.pk: o
                for o in WorkOrder.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            }
            by_order: dict[int, list[Assignment]] = defaultdict(list)
            for a in (
                Assignment.objects.select_for_update()
                .filter(order_id__in=chunk)
                .order_by("order_id", "id")
            ):
                by_order[a.order_id].append(a)
            for order_id, assignments in by_order.items():
                for a in assignments:
                    changes = assignment_recompute(a, cal)
                    if changes:
                        fields = [f for name in changes for f in (name, f"{name}_provisional")]
                        a.save(update_fields=fields)
                        moved[order_id][str(a.pk)] = changes
                if order_id in moved:
                    order = orders[order_id]
                    warning_before = order.warning
                    fields = order_sync_deadlines(order, assignments, cal=cal)
                    if fields:
                        order.updated_at = clock.now()
                        order.save(update_fields=[*fields, "updated_at"])
                    record_event(
                        order,
                        EventKind.DEADLINE_RECOMPUTED,
                        actor=actor,
                        from_status=order.status,
                        to_status=order.status,
                        note=reason[:500],
                        assignments=moved[order_id],
                    )
                    if order.warning != warning_before:
                        record_event(
                            order,
                            EventKind.WARNING,
                            actor=actor,
                            from_status=order.status,
                            to_status=order.status,
                            **{
                                "from": warning_before,
                                "to": order.warning,
                                "cause": str(EventKind.DEADLINE_RECOMPUTED),
                            },
                        )
    return len(moved)
