"""What the detail page shows, read once: the timeline in words, every deadline, and every
text as the privacy rule lets this user read it.

Pure reads; the page template only loops over what these return. A text reaches the page only
through ``Person.redact`` (the hotline's text on the order) or ``Person.redact_from`` (a text
someone wrote: cut unless the viewer or their department wrote it) — see minyi/privacy/rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from minyi.core import timefmt
from minyi.orders.models import (
    AssignmentStatus,
    AttachmentKind,
    CallbackRater,
    EventKind,
    ReplyMethod,
    Satisfaction,
    Solved,
    Status,
    Warning,
    WorkOrder,
)
from minyi.orders.selectors import event_read, order_timeline
from minyi.privacy.rules import Person
from minyi.reference.models import ScopeReason

# The keys of OrderEvent.data worth reading, in the order shown; ids (lead, request, …) are not.
# Each is one of ``orders.selectors.EVENT_DATA_SHOWN`` (the keys any reader may see).
DATA_LABELS = {
    "departments": "承办单位",
    "department": "承办单位",
    "suggested_department": "建议承办单位",
    "reason": "理由",
    "basis": "依据",
    "dispatch_due": "派单时限",
    "dispatch_on_time": "是否按时派单",
    "sign_due": "签收时限",
    "requested_due": "申请延至",
    "current_due": "原办结时限",
    "old_due": "原时限",
    "new_due": "新时限",
    "reply_due": "办结时限",
    "level": "督办级别",
    "method": "答复方式",
    "solved": "解决情况",
    "satisfaction": "满意度",
    "rater": "评价来源",
    "on_time": "是否按时",
    "redo_count": "重办次数",
    "master_number": "主工单",
    "duplicate_number": "重复工单",
    "name": "文件",
    "attachment_kind": "附件类型",
    "from": "原预警",
    "to": "新预警",
    "cancelled_assignments": "撤销承办任务数",
    "plan": "解决措施",
    "old_plan_due": "原计划完成时间",
    "plan_due": "计划完成时间",
}
DUE_KEYS = {
    "dispatch_due",
    "sign_due",
    "requested_due",
    "current_due",
    "old_due",
    "new_due",
    "reply_due",
}
CHOICE_LABELS = {
    "level": dict(Warning.choices),
    "from": dict(Warning.choices),
    "to": dict(Warning.choices),
    "method": dict(ReplyMethod.choices),
    "satisfaction": dict(Satisfaction.choices),
    "rater": dict(CallbackRater.choices),
    "solved": {**dict(Solved.choices), True: "已解决", False: "未解决"},
    "attachment_kind": dict(AttachmentKind.choices),
}


def local(value: datetime | None) -> str:
    return timefmt.local_text(value) if value else "—"


def _status_label(value: str) -> str:
    if value in Status.values:
        return Status(value).label
    if value in AssignmentStatus.values:
        return AssignmentStatus(value).label
    return value


def _value(key: str, value, reasons: dict[str, str]) -> str:
    if key in DUE_KEYS and isinstance(value, str):
        try:
            return local(datetime.fromisoformat(value))
        except ValueError:
            return value
    if key in CHOICE_LABELS:
        return CHOICE_LABELS[key].get(value, str(value))
    if key == "reason":
        return reasons.get(value, str(value))
    if key in ("on_time", "dispatch_on_time"):
        return "按时" if value else "超时"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@dataclass
class TimelineRow:
    at: datetime
    kind: str
    label: str
    actor: str
    department: str
    from_status: str
    to_status: str
    note: str
    data: list[tuple[str, str]]


def timeline(order: WorkOrder, person: Person, hidden: set[int]) -> list[TimelineRow]:
    """The ledger in words; notes and data as ``minyi.orders.selectors.event_read`` gives them."""
    reasons = dict(ScopeReason.objects.values_list("code", "title"))
    rows = []
    for event in order_timeline(order):
        note, shown = event_read(event, person, hidden)
        data = [
            (label, _value(key, shown[key], reasons))
            for key, label in DATA_LABELS.items()
            if shown.get(key) not in (None, "", [])
            and not (key == "department" and "departments" in shown)
        ]
        moved = event.from_status != event.to_status
        rows.append(
            TimelineRow(
                at=event.at,
                kind=event.kind,
                label=EventKind(event.kind).label if event.kind in EventKind.values else event.kind,
                actor=str(event.actor.get_full_name() or event.actor.username)
                if event.actor
                else "系统",
                department=_acting_department(event),
                from_status=_status_label(event.from_status) if moved else "",
                to_status=_status_label(event.to_status) if moved else "",
                note=note,
                data=data,
            )
        )
    return rows


def _acting_department(event) -> str:
    """The department the actor acted for: a handler's own. A dispatcher ruling on a
    department's return is not of that department (the department is in the event's data)."""
    assignment, actor = event.assignment, event.actor
    if assignment is None or actor is None or actor.department_id != assignment.department_id:
        return ""
    return assignment.department.name


def order_texts(order: WorkOrder, person: Person) -> dict[str, str]:
    """The hotline's own text on the order (the operator's, the rejecting dispatcher's)."""
    return {
        name: person.redact(getattr(order, name))
        for name in ("title", "content", "address", "reject_basis")
    }


def shown(person: Person, row, author, *fields: str):
    """``row`` with ``shown_<field>`` beside each field: the text as ``person`` reads it."""
    for name in fields:
        setattr(row, f"shown_{name}", person.redact_from(getattr(row, name), author))
    return row


def replies(order: WorkOrder, person: Person) -> list:
    rows = order.replies.select_related("assignment__department", "author")
    return [shown(person, r, r.author, "content", "plan") for r in rows]


def tracking(order: WorkOrder, person: Person):
    """The order's 跟踪督办 (None when it never had one), its plan as ``person`` reads it, and the
    progress reports, done reports and confirmations in order (``reports``: when, what, text)."""
    from minyi.orders.models import EventKind, Tracking

    row = Tracking.objects.filter(order=order).select_related("department", "reply__author")
    row = row.first()
    if row is None:
        return None
    shown(person, row, row.reply.author if row.reply else None, "plan")
    kinds = (
        EventKind.TRACKING_PROGRESS,
        EventKind.TRACKING_DONE,
        EventKind.TRACKING_REOPENED,
        EventKind.TRACKING_CONFIRMED,
    )
    events = order.events.filter(kind__in=kinds).select_related("actor").order_by("at", "id")
    row.reports = [
        (e.at, EventKind(e.kind).label, person.redact_from(e.note, e.actor)) for e in events
    ]
    return row


def callbacks(order: WorkOrder, person: Person) -> list:
    return [shown(person, c, c.agent, "note") for c in order.callbacks.select_related("agent")]


def attachments(order: WorkOrder, person: Person) -> list:
    rows = order.attachments.select_related("uploaded_by").order_by("uploaded_at")
    return [shown(person, a, a.uploaded_by, "name") for a in rows]


def requests_read(assignments, person: Person) -> None:
    """Each return and extension request of ``assignments`` (prefetched) as ``person`` reads it:
    the request by who asked, the ruling by who ruled, the leader's opinion by who uploaded it."""
    for assignment in assignments:
        for r in assignment.return_requests.all():
            shown(person, r, r.requested_by, "reason", "basis")
            shown(person, r, r.ruled_by, "ruling_note")
            shown(person, r.leader_opinion, r.leader_opinion.uploaded_by, "name")
        for e in assignment.extension_requests.all():
            shown(person, e, e.requested_by, "reason")
            shown(person, e, e.ruled_by, "ruling_note")


@dataclass
class Deadline:
    label: str
    value: str
    provisional: bool


def order_deadlines(order: WorkOrder, assignments=()) -> list[Deadline]:
    """The order row's copies of its assignments' deadlines. The order's flag is order-wide, so
    each deadline takes the provisional mark of the assignment deadline it was copied from."""

    def provisional(value, fields) -> bool:
        matches = [
            getattr(a, f"{f}_provisional")
            for a in assignments
            for f in fields
            if getattr(a, f) == value
        ]
        return any(matches) if matches else order.deadline_provisional

    all_fields = ("sign_due", "return_due", "reply_due")
    if order.dispatch_due is not None:  # waiting in the dispatch queue: its only deadline
        return [
            Deadline("派单时限", local(order.dispatch_due), order.dispatch_due_provisional),
            Deadline("最近时限", local(order.next_due), order.deadline_provisional),
        ]
    return [
        Deadline(label, local(value), value is not None and provisional(value, fields))
        for label, value, fields in (
            ("签收时限", order.sign_due, ("sign_due",)),
            ("退件时限", order.return_due, ("return_due",)),
            ("办结时限", order.reply_due, ("reply_due",)),
            ("最近时限", order.next_due, all_fields),
        )
    ]


def assignment_deadlines(assignment) -> list[Deadline]:
    return [
        Deadline("签收", local(assignment.sign_due), assignment.sign_due_provisional),
        Deadline("退件", local(assignment.return_due), assignment.return_due_provisional),
        Deadline("办结", local(assignment.reply_due), assignment.reply_due_provisional),
    ]
