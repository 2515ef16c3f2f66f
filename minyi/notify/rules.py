"""The one place that decides which messages an order event causes (DESIGN §3, §9).

The deputy is told at acceptance or rejection (one of the two: the intake decides), when the
order goes to the liaison committee as a suggestion, and when the reply is made (事前有沟通、事后有反馈);
the requester, whistle-blowers included, gets the same SMS on their own phone. Notices to
departments carry the order's number, title and deadline only — never who asked: no template
has a placeholder for a person (``TEMPLATE_PARAMS``), and the title a handler is sent passes
through the privacy rule for that handler, so a title that names a whistle-blower (or an
anonymous requester) reaches the department as 〔保密〕.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers

from minyi.accounts.models import Role, User
from minyi.deputies.models import DeputyPhone
from minyi.orders.models import (
    ASSIGNMENT_ACTIVE,
    AssignmentRole,
    EventKind,
    OrderEvent,
    Satisfaction,
    Status,
    Warning,
    WorkOrder,
)
from minyi.privacy import rules as privacy
from minyi.workdays.calendar import SHANGHAI

from .models import MessageChannel

# The placeholders each template's rule provides; the admin form accepts only these.
TEMPLATE_PARAMS: dict[str, tuple[str, ...]] = {
    "order_accepted": ("number", "title"),
    "order_rejected": ("number", "title", "reason", "basis"),
    "order_escalated": ("number", "title"),
    "reply_ready": ("number", "title"),
    "callback_request": ("number", "title"),
    "extension_approved": ("number", "title", "due"),
    "extension_denied": ("number", "title", "due"),
    "warning_yellow_handler": ("number", "title", "due"),
    "warning_red_handler": ("number", "title", "due"),
    "warning_yellow_dispatcher": ("number", "title", "due", "department"),
    "warning_red_dispatcher": ("number", "title", "due", "department"),
}


@dataclass(frozen=True)
class Draft:
    """A message to write to the outbox: exactly one of ``phone`` and ``user``."""

    template_code: str
    params: dict[str, str] = field(compare=False)
    phone: str = ""
    user: User | None = None

    @property
    def channel(self) -> str:
        return MessageChannel.SMS if self.phone else MessageChannel.IN_APP

    @property
    def recipient(self) -> str:
        return self.phone or f"user:{self.user.pk}"


def is_mobile(number: str) -> bool:
    """SMS goes to mobile numbers only (an office landline cannot receive it)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _deputy_phone(order: WorkOrder) -> str:
    if order.deputy_id is None:
        return ""
    numbers = DeputyPhone.objects.filter(deputy_id=order.deputy_id).order_by("-is_primary", "id")
    return next((n for n in numbers.values_list("number", flat=True) if is_mobile(n)), "")


def _told_phones(order: WorkOrder) -> list[str]:
    """The deputy who raised the order and the requester, each once."""
    phones = [_deputy_phone(order)]
    if is_mobile(order.requester_phone):
        phones.append(order.requester_phone)
    return list(dict.fromkeys(p for p in phones if p))


def _when(value: datetime | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(SHANGHAI)
    if (local.hour, local.minute) in ((23, 59), (0, 0)):
        return f"{local.month}月{local.day}日"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _base(order: WorkOrder) -> dict[str, str]:
    return {"number": order.number, "title": order.title}


def _sms(code: str, phones: list[str], params: dict[str, str]) -> list[Draft]:
    return [Draft(code, params, phone=phone) for phone in phones if phone]


def _warning_drafts(event: OrderEvent, order: WorkOrder) -> list[Draft]:
    level = (event.data or {}).get("to")
    if level not in (Warning.YELLOW, Warning.RED) or level == (event.data or {}).get("from"):
        return []
    active = order.assignments.filter(status__in=ASSIGNMENT_ACTIVE).select_related("department")
    active = list(active.order_by("role", "id"))  # "assisting" < "lead"; the lead is named below
    if not active and order.status not in (Status.ACCEPTED, Status.RETURNED):
        return []
    lead = next((a.department for a in active if a.role == AssignmentRole.LEAD), None)
    params = {**_base(order), "due": _when(order.next_due)}
    handlers = User.objects.filter(
        role=Role.HANDLER, is_active=True, department__in=[a.department_id for a in active]
    ).order_by("id")
    dispatchers = User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("id")
    dispatcher_params = {**params, "department": lead.name if lead else "待派单"}
    return [
        Draft(f"warning_{level}_handler", _as_seen_by(u, order, params), user=u) for u in handlers
    ] + [Draft(f"warning_{level}_dispatcher", dispatcher_params, user=u) for u in dispatchers]


def _as_seen_by(user: User, order: WorkOrder, params: dict[str, str]) -> dict[str, str]:
    """The parameters of a notice to ``user``, the title as the privacy rule lets them read it."""
    return {**params, "title": privacy.requester_shown(user, order).redact(params["title"])}


def drafts_for(event: OrderEvent) -> list[Draft]:
    """The messages ``event`` causes (often none). Reads only what the kind needs."""
    kind = event.kind
    if kind not in _KINDS:
        return []
    order = event.order
    if kind == EventKind.ACCEPTED:
        return _sms("order_accepted", _told_phones(order), _base(order))
    if kind == EventKind.REJECTED:
        reason = order.reject_reason.title if order.reject_reason_id else ""
        params = {**_base(order), "reason": reason, "basis": order.reject_basis}
        return _sms("order_rejected", _told_phones(order), params)
    if kind == EventKind.ESCALATED:
        return _sms("order_escalated", _told_phones(order), _base(order))
    if kind == EventKind.DIRECT_ANSWER or (
        kind == EventKind.REPLIED and event.to_status == Status.REPLIED != event.from_status
    ):
        # An assisting department's reply is not the order's reply: only the lead's is.
        return _sms("reply_ready", _told_phones(order), _base(order))
    if kind == EventKind.CALLED_BACK:
        if (event.data or {}).get("satisfaction") != Satisfaction.UNREACHABLE:
            return []
        phone = order.requester_phone if is_mobile(order.requester_phone) else ""
        return _sms("callback_request", [phone or _deputy_phone(order)], _base(order))
    if kind == EventKind.EXTENSION_APPROVED:
        params = {**_base(order), "due": _when((event.data or {}).get("new_due"))}
        return _sms("extension_approved", _told_phones(order), params)
    if kind == EventKind.EXTENSION_DENIED:
        params = {**_base(order), "due": _when(order.reply_due)}
        return _sms("extension_denied", _told_phones(order), params)
    if kind == EventKind.WARNING:
        return _warning_drafts(event, order)
    return []


_KINDS = frozenset(
    {
        EventKind.ACCEPTED,
        EventKind.REJECTED,
        EventKind.ESCALATED,
        EventKind.DIRECT_ANSWER,
        EventKind.REPLIED,
        EventKind.CALLED_BACK,
        EventKind.EXTENSION_APPROVED,
        EventKind.EXTENSION_DENIED,
        EventKind.WARNING,
    }
)
