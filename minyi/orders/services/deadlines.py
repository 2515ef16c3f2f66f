"""Deadlines of assignments and their copy on the order (DESIGN §3, §4).

An assignment keeps the limits in force at dispatch (``limits``) and the moments its clocks
started, so the same rule can be recomputed when the calendar changes. The order carries the
earliest open deadline (``next_due``), the moment it turns yellow (``warn_at``) and its warning.

Where the clocks start: the dispatch clock when the order enters the dispatch queue (acceptance,
or a lead's accepted return), kept on the order; the sign-for and return clocks at dispatch;
the handling clock at dispatch, or at sign-for when the rule says so (``clock_start``). Once the
handling clock has started it is never restarted by a later signature (a refused return keeps
the original clock: 驳回重办 "应在原办理时限内完成").
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
from minyi.reference.limits import Limit, dispatch_limit_for
from minyi.reference.models import ClockStart
from minyi.workdays.calendar import WorkCalendar, day_start, get_calendar

# The states in which a department is on the clock.
DEPARTMENT_STAGES = frozenset({Status.DISPATCHED, Status.RETURNED, Status.SIGNED})
WARNING_LEAD_HOURS = 24  # yellow one working day before a deadline


# The order's dispatch clock, cleared when the order leaves the dispatch queue.
DISPATCH_FIELDS = (
    "dispatch_clock_start",
    "dispatch_limit",
    "dispatch_due",
    "dispatch_due_provisional",
)


REPLY_CLOCK_FIELDS = ["reply_clock_start", "reply_due", "reply_due_provisional", "reply_due_fixed"]


def _limit(assignment: Assignment, stage: str) -> Limit:
    return Limit.from_dict(assignment.limits[stage])


def order_start_dispatch_clock(
    order: WorkOrder, *, at: datetime, cal: WorkCalendar | None = None, rules=None
) -> tuple[str, ...]:
    """Start the dispatch clock (受理 → 派单, "第一时间交办") with the rule in force now; returns
    the fields set (the caller saves them). Raises ``ValidationFailed`` without a dispatch rule."""
    cal = cal or get_calendar()
    limit = dispatch_limit_for(order, rules)
    due = cal.due(at, limit.amount, limit.unit)
    order.dispatch_clock_start, order.dispatch_limit = at, limit.as_dict()
    order.dispatch_due, order.dispatch_due_provisional = due.at, due.provisional
    return DISPATCH_FIELDS


def order_recompute_dispatch(order: WorkOrder, cal: WorkCalendar) -> list | None:
    """Recompute a running dispatch deadline from its stored start; return the move, if any."""
    if order.status != Status.ACCEPTED or order.dispatch_clock_start is None:
        return None
    limit = Limit.from_dict(order.dispatch_limit)
    due = cal.due(order.dispatch_clock_start, limit.amount, limit.unit)
    old = (order.dispatch_due, order.dispatch_due_provisional)
    if old == (due.at, due.provisional):
        return None
    order.dispatch_due, order.dispatch_due_provisional = due.at, due.provisional
    return [iso(old[0]), iso(due.at), old[1], due.provisional]


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
    """Start (or, for a redo, restart) the handling clock at ``at``."""
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
    dispatch = []
    if order.status == Status.ACCEPTED and order.dispatch_due is not None:
        lead_hours = warning_lead_hours(Limit.from_dict(order.dispatch_limit))
        dispatch = [(order.dispatch_due, order.dispatch_due_provisional, lead_hours)]
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
    if order.status != Status.ACCEPTED:  # out of the dispatch queue: its clock stops
        values.update(dict.fromkeys(DISPATCH_FIELDS), dispatch_due_provisional=False)
    duties = dispatch
    if open_for_department:
        if sign:
            values["sign_due"] = min(sign)[0]
        if lead is not None:
            values["return_due"] = lead.return_due
            values["reply_due"] = lead.reply_due
        duties = duties + sign + reply
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


def _orders_touching(first: datetime, last: datetime) -> list[int]:
    """Ids of the open orders with a running deadline whose window touches ``[first, last)``."""
    by_assignment = (
        Assignment.objects.filter(status__in=ASSIGNMENT_ACTIVE, dispatched_at__lt=last)
        .filter(Q(sign_due__gte=first) | Q(return_due__gte=first) | Q(reply_due__gte=first))
        # An archived order can keep an assisting part that never replied; its ledger is closed.
        .exclude(order__status__in=CLOSED_STATUSES)
        .values_list("order_id", flat=True)
    )
    waiting_dispatch = WorkOrder.objects.filter(
        status=Status.ACCEPTED, dispatch_clock_start__lt=last, dispatch_due__gte=first
    ).values_list("id", flat=True)
    return sorted(set(by_assignment) | set(waiting_dispatch))


def _order_recompute(order: WorkOrder, assignments: list[Assignment], cal: WorkCalendar) -> dict:
    """Recompute one locked order's running deadlines and save what moved; return the moves."""
    moved: dict = {}
    for a in assignments:
        changes = assignment_recompute(a, cal)
        if changes:
            a.save(update_fields=[f for name in changes for f in (name, f"{name}_provisional")])
            moved.setdefault("assignments", {})[str(a.pk)] = changes
    dispatch = order_recompute_dispatch(order, cal)
    if dispatch:
        moved["dispatch"] = dispatch
    if moved:
        fields = order_sync_deadlines(order, assignments, cal=cal)
        if dispatch:
            fields += ["dispatch_due", "dispatch_due_provisional"]
        if fields:
            order.updated_at = clock.now()
            order.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    return moved


def deadlines_recompute_for_dates(*, dates: Iterable[date], actor=None, reason: str = "") -> int:
    """After a calendar edit: recompute every running deadline whose window touches the changed
    dates (the departments' and the dispatch clock); write one event per order whose deadlines
    moved. Returns the number of such orders."""
    from minyi.orders.services.common import record_event

    days = sorted(set(dates))
    if not days:
        return 0
    first, last = _day_bounds(days)
    cal = get_calendar()
    count = 0
    with transaction.atomic():
        order_ids = _orders_touching(first, last)
        for start in range(0, len(order_ids), 500):
            chunk = order_ids[start : start + 500]
            orders = WorkOrder.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            by_order: dict[int, list[Assignment]] = defaultdict(list)
            for a in (
                Assignment.objects.select_for_update()
                .filter(order_id__in=chunk)
                .order_by("order_id", "id")
            ):
                by_order[a.order_id].append(a)
            for order in orders:
                warning_before = order.warning
                moved = _order_recompute(order, by_order[order.pk], cal)
                if not moved:
                    continue
                count += 1
                record_event(
                    order,
                    EventKind.DEADLINE_RECOMPUTED,
                    actor=actor,
                    from_status=order.status,
                    to_status=order.status,
                    note=reason[:500],
                    **moved,
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
    return count
