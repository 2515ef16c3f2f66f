"""The one place that decides which messages an order event causes (DESIGN §3, §9).

The deputy is told at acceptance or rejection (one of the two: the intake decides), when the
order goes to the liaison committee as a suggestion, and when the reply is made (事前有沟通、事后有
反馈); the requester, whistle-blowers included, gets the same SMS on their own phone. The reply's
SMS carries the result (a bounded summary, ``reply_summary``), and the deputy's own text asks them
to rate it on their page (衡阳: "告诉人大代表办理结果，并征求人大代表对办理结果是否满意"). Notices to
departments carry the order's number, title and deadline only — never who asked: no template
has a placeholder for a person (``TEMPLATE_PARAMS``), and the title a handler is sent passes
through the privacy rule for that handler, so a title that names a whistle-blower (or an
anonymous requester) reaches the department as 〔保密〕.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers

from minyi.accounts.models import Role, User
from minyi.core import timefmt
from minyi.deputies.models import DeputyPhone
from minyi.notify.suggestion_rules import SUGGESTION_PARAMS
from minyi.orders.models import (
    ASSIGNMENT_ACTIVE,
    AssignmentRole,
    EventKind,
    OrderEvent,
    Satisfaction,
    Solved,
    Status,
    Tracking,
    Warning,
    WorkOrder,
)
from minyi.privacy import rules as privacy

from .models import MessageChannel

# The placeholders each template's rule provides; the admin form accepts only these.
TEMPLATE_PARAMS: dict[str, tuple[str, ...]] = {
    "order_accepted": ("number", "title"),
    "order_rejected": ("number", "title", "reason", "basis"),
    "reply_ready": ("number", "title", "solved", "result"),
    "reply_ready_deputy": ("number", "title", "solved", "result"),
    "order_escalated": ("number", "title"),
    "order_merged": ("number", "title", "master_number", "progress"),
    "callback_request": ("number", "title"),
    "extension_approved": ("number", "title", "due"),
    "extension_denied": ("number", "title", "due"),
    "warning_yellow_handler": ("number", "title", "due"),
    "warning_red_handler": ("number", "title", "due"),
    "warning_yellow_dispatcher": ("number", "title", "due", "department"),
    "warning_red_dispatcher": ("number", "title", "due", "department"),
    "supervised_handler": ("number", "title", "due", "level"),
    "dispatch_yellow": ("number", "title", "due"),
    "dispatch_red": ("number", "title", "due"),
    "tracking_opened": ("number", "title", "solved", "plan", "plan_due"),
    "tracking_progress": ("number", "title", "progress", "plan_due"),
    "tracking_done": ("number", "title", "progress"),
    "tracking_done_deputy": ("number", "title", "progress"),
    # 码上找代表 (minyi/mashang): texts that belong to no order
    "mashang_sms_code": ("code", "minutes"),
    "mashang_message_received": ("deputy_name", "tracking_code"),
    # the deputy a message was left for is its addressee, public on their card and page
    # (``deputy_name``); never an order's deputy, who may be the requester
    "mashang_answered": ("deputy_name", "tracking_code"),
    "mashang_answered_by": ("deputy_name", "by", "tracking_code"),
    "mashang_to_station": ("deputy_name", "tracking_code"),
    "mashang_to_liaison": ("deputy_name", "tracking_code"),
    "mashang_order_rejected": ("tracking_code", "number", "reason"),
    "mashang_order_escalated": ("tracking_code", "number"),
    "mashang_result": ("tracking_code", "number"),
    "mashang_remind_deputy": ("received", "tracking_code", "days"),
    "mashang_remind_deputy_notice": ("received", "tracking_code", "days"),
    "mashang_station_told": ("received", "tracking_code", "days"),
    "tracking_closed": ("number", "title"),
    "tracking_opened_handler": ("number", "title", "plan_due"),
    "tracking_reopened_handler": ("number", "title", "plan_due"),
    "tracking_remind_handler": ("number", "title", "plan_due"),
    "tracking_overdue_handler": ("number", "title", "plan_due"),
    # the monthly report (minyi/ledger/reports): ``period`` (2026-11) opens the report's page
    "monthly_report_ready": ("month", "period"),
    # 闭会期间代表建议 (minyi/suggestions): their templates' placeholders, in their own module
    **SUGGESTION_PARAMS,
}
# How a supervision level is named in a text (the badges on the pages say the same).
SUPERVISION_LEVEL = {Warning.YELLOW: "黄牌", Warning.RED: "红牌"}


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


def deputy_mobile(deputy_id: int | None) -> str:
    """The deputy's first mobile number (primary first); "" when they have none."""
    if deputy_id is None:
        return ""
    numbers = DeputyPhone.objects.filter(deputy_id=deputy_id).order_by("-is_primary", "id")
    return next((n for n in numbers.values_list("number", flat=True) if is_mobile(n)), "")


def _deputy_phone(order: WorkOrder) -> str:
    return deputy_mobile(order.deputy_id)


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
    return timefmt.sms_text(value)


def _base(order: WorkOrder) -> dict[str, str]:
    return {"number": order.number, "title": order.title}


def _sms(code: str, phones: list[str], params: dict[str, str]) -> list[Draft]:
    return [Draft(code, params, phone=phone) for phone in phones if phone]


def _holders(order: WorkOrder) -> tuple[list, list[User]]:
    """The order's live parts (the lead last) and the handlers of their departments."""
    active = order.assignments.filter(status__in=ASSIGNMENT_ACTIVE).select_related("department")
    active = list(active.order_by("role", "id"))  # "assisting" < "lead"
    handlers = User.objects.filter(
        role=Role.HANDLER, is_active=True, department__in=[a.department_id for a in active]
    ).order_by("id")
    return active, list(handlers)


# How much of the reply the SMS carries (characters): a long reply is cut with "…"; the whole
# reply is on the deputy's page, where they rate it.
RESULT_CHARS = 60
_TRAILING = "。．.！!；;，,、 "


def reply_summary(text: str) -> str:
    """The reply on one line, its closing punctuation dropped (the template adds "。"), at most
    ``RESULT_CHARS`` characters and an ellipsis."""
    line = " ".join((text or "").split()).rstrip(_TRAILING)
    if len(line) > RESULT_CHARS:
        line = line[:RESULT_CHARS].rstrip() + "…"
    return line


def _deputy_reads(order: WorkOrder, text: str, author) -> str:
    """What a department wrote, as the deputy's own account may read it (fail closed: without an
    account, as nobody may read it)."""
    account = User.objects.filter(role=Role.DEPUTY, deputy_id=order.deputy_id, is_active=True)
    shown = privacy.requester_shown(account.order_by("id").first(), order)
    return shown.redact_from(text, author)


def _told_with_text(
    order: WorkOrder,
    codes: tuple[str, str],
    params: dict[str, str],
    texts: dict[str, tuple[str, object]],
) -> list[Draft]:
    """One SMS to the deputy (``codes[0]``) and one to each other told phone (``codes[1]``); each
    of ``texts`` (key → text, its author) goes in as a bounded summary, the deputy's cut by the
    privacy rule. A phone that is both gets the deputy's text once."""
    deputy = _deputy_phone(order)
    requester_params = {**params, **{k: reply_summary(t) for k, (t, _) in texts.items()}}
    deputy_params = {
        **params,
        **{k: reply_summary(_deputy_reads(order, t, a)) for k, (t, a) in texts.items()},
    }
    requester = [p for p in _told_phones(order) if p != deputy]
    return _sms(codes[0], [deputy], deputy_params) + _sms(codes[1], requester, requester_params)


def _reply_drafts(event: OrderEvent, order: WorkOrder) -> list[Draft]:
    """答复告知 with the result (衡阳: "告诉人大代表办理结果，并征求人大代表对办理结果是否满意"): the
    deputy's text also asks for their rating on their page; the requester's says the hotline will
    call back. A phone that is both gets the deputy's text once."""
    replies = order.replies.select_related("author").order_by("-at", "-id")
    reply = replies.filter(pk=(event.data or {}).get("reply")).first() or replies.first()
    if reply is None:
        params = {**_base(order), "solved": "", "result": ""}
        return _told_with_text(order, ("reply_ready_deputy", "reply_ready"), params, {})
    params = {**_base(order), "solved": reply.get_solved_display()}
    texts = {"result": (reply.content, reply.author)}
    return _told_with_text(order, ("reply_ready_deputy", "reply_ready"), params, texts)


def _tracking_drafts(event: OrderEvent, order: WorkOrder) -> list[Draft]:
    """跟踪督办 (services/tracking.py): the deputy and the requester are told when it opens, at
    each progress report, when the department reports it done (asked to confirm) and when it
    closes; the department's handlers when it opens, when the requester says it is not done,
    before the plan date and once it has passed."""
    tracking = Tracking.objects.filter(order=order).select_related("reply__author").first()
    if tracking is None:
        return []
    kind, base = event.kind, _base(order)
    # the plan date the event was written for (a progress report may have moved it since)
    written = (event.data or {}).get("plan_due")
    due = timefmt.sms_day(date.fromisoformat(written) if written else tracking.plan_due)
    handler_codes = {
        EventKind.TRACKING_REOPENED: "tracking_reopened_handler",
        EventKind.TRACKING_REMINDED: "tracking_remind_handler",
        EventKind.TRACKING_OVERDUE: "tracking_overdue_handler",
    }
    if kind in handler_codes:
        return _tracking_notices(handler_codes[kind], order, tracking, {**base, "plan_due": due})
    if kind == EventKind.TRACKING_OPENED:
        solved = (event.data or {}).get("solved") or Solved.NOT_YET
        params = {**base, "solved": Solved(solved).label, "plan_due": due}
        author = tracking.reply.author if tracking.reply else None
        told = _told_with_text(
            order,
            ("tracking_opened", "tracking_opened"),
            params,
            {"plan": (tracking.plan, author)},
        )
        notices = _tracking_notices(
            "tracking_opened_handler", order, tracking, {**base, "plan_due": due}
        )
        return told + notices
    texts = {"progress": (event.note, event.actor)}
    if kind == EventKind.TRACKING_PROGRESS:
        codes = ("tracking_progress", "tracking_progress")
        return _told_with_text(order, codes, {**base, "plan_due": due}, texts)
    if kind == EventKind.TRACKING_DONE:
        return _told_with_text(order, ("tracking_done_deputy", "tracking_done"), base, texts)
    if kind == EventKind.TRACKING_CONFIRMED:
        return _sms("tracking_closed", _told_phones(order), base)
    return []


def _tracking_notices(code: str, order: WorkOrder, tracking, params: dict) -> list[Draft]:
    handlers = User.objects.filter(
        role=Role.HANDLER, is_active=True, department_id=tracking.department_id
    ).order_by("id")
    return [Draft(code, _as_seen_by(u, order, params), user=u) for u in handlers]


def _warning_drafts(event: OrderEvent, order: WorkOrder) -> list[Draft]:
    level = (event.data or {}).get("to")
    if level not in (Warning.YELLOW, Warning.RED) or level == (event.data or {}).get("from"):
        return []
    dispatchers = User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("id")
    params = {**_base(order), "due": _when(order.next_due)}
    if order.status == Status.ACCEPTED:  # waiting for dispatch: its clock is the dispatchers'
        return [Draft(f"dispatch_{level}", params, user=u) for u in dispatchers]
    active, handlers = _holders(order)
    if not active and order.status != Status.RETURNED:
        return []
    lead = next((a.department for a in active if a.role == AssignmentRole.LEAD), None)
    dispatcher_params = {**params, "department": lead.name if lead else "待派单"}
    return [
        Draft(f"warning_{level}_handler", _as_seen_by(u, order, params), user=u) for u in handlers
    ] + [Draft(f"warning_{level}_dispatcher", dispatcher_params, user=u) for u in dispatchers]


def _supervised_drafts(event: OrderEvent, order: WorkOrder) -> list[Draft]:
    """督办: the departments that hold the order are told, the only text that says 已列入督办
    (a red warning does not: it is time passing, not a decision to supervise)."""
    level = SUPERVISION_LEVEL.get((event.data or {}).get("level"))
    if level is None or order.supervision == Warning.NONE:
        return []
    _, handlers = _holders(order)
    params = {**_base(order), "due": _when(order.next_due), "level": level}
    return [Draft("supervised_handler", _as_seen_by(u, order, params), user=u) for u in handlers]


def _as_seen_by(user: User, order: WorkOrder, params: dict[str, str]) -> dict[str, str]:
    """The parameters of a notice to ``user``, the title as the privacy rule lets them read it."""
    return {**params, "title": privacy.requester_shown(user, order).redact(params["title"])}


# 并单告知: how far the master order has come, in the caller's words (never the master's title
# or requester: the master is someone else's call).
MASTER_PROGRESS = {
    Status.ACCEPTED: "已受理，正在派单",
    Status.DISPATCHED: "已派至承办单位",
    Status.RETURNED: "正在重新派单",
    Status.SIGNED: "承办单位正在办理",
    Status.REPLIED: "承办单位已答复，12345热线将回访",
    Status.CALLBACK: "承办单位已答复，12345热线正在回访",
    Status.TRACKING: "已答复，正在跟踪督办落实",
    Status.ARCHIVED: "已办结",
    Status.REJECTED: "不予受理",
    Status.ESCALATED: "已转闭会期间代表建议办理",
}


def master_progress(master: WorkOrder) -> str:
    """The master's progress for the merged caller: its stage, and the reply deadline while a
    department works on it."""
    text = MASTER_PROGRESS.get(master.status, master.get_status_display())
    if master.status in (Status.DISPATCHED, Status.SIGNED) and master.reply_due:
        text += f"，将于{_when(master.reply_due)}前答复"
    return text


def _merged_drafts(order: WorkOrder) -> list[Draft]:
    """合并重复工单: the caller of the duplicate is told it joined the master, and how far the
    master has come (the issue: "the caller is linked and told the progress")."""
    master = order.master
    if master is None:
        return []
    params = {
        **_base(order),
        "master_number": master.number,
        "progress": master_progress(master),
    }
    return _sms("order_merged", _told_phones(order), params)


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
    if kind == EventKind.MERGED:
        return _merged_drafts(order)
    if kind == EventKind.DIRECT_ANSWER or (
        kind == EventKind.REPLIED and event.to_status == Status.REPLIED != event.from_status
    ):
        # An assisting department's reply is not the order's reply: only the lead's is.
        return _reply_drafts(event, order)
    if kind == EventKind.CALLED_BACK:
        if (event.data or {}).get("satisfaction") != Satisfaction.UNREACHABLE:
            return []
        phone = order.requester_phone if is_mobile(order.requester_phone) else ""
        return _sms("callback_request", [phone or _deputy_phone(order)], _base(order))
    if kind == EventKind.EXTENSION_APPROVED:
        params = {**_base(order), "due": _when((event.data or {}).get("new_due"))}
        return _sms("extension_approved", _told_phones(order), params)
    if kind == EventKind.EXTENSION_DENIED:
        # "正在办理中，将于{due}前办结答复": true only while a department handles the order, and
        # only with the order's deadline in force when the request was denied.
        due = _when((event.data or {}).get("order_due"))
        if event.to_status not in (Status.DISPATCHED, Status.SIGNED) or not due:
            return []
        return _sms("extension_denied", _told_phones(order), {**_base(order), "due": due})
    if kind == EventKind.WARNING:
        return _warning_drafts(event, order)
    if kind == EventKind.SUPERVISED:
        return _supervised_drafts(event, order)
    if kind in _TRACKING_KINDS:
        return _tracking_drafts(event, order)
    return []


_TRACKING_KINDS = frozenset(
    {
        EventKind.TRACKING_OPENED,
        EventKind.TRACKING_PROGRESS,
        EventKind.TRACKING_DONE,
        EventKind.TRACKING_CONFIRMED,
        EventKind.TRACKING_REOPENED,
        EventKind.TRACKING_REMINDED,
        EventKind.TRACKING_OVERDUE,
    }
)
_KINDS = _TRACKING_KINDS | frozenset(
    {
        EventKind.ACCEPTED,
        EventKind.REJECTED,
        EventKind.ESCALATED,
        EventKind.MERGED,
        EventKind.DIRECT_ANSWER,
        EventKind.REPLIED,
        EventKind.CALLED_BACK,
        EventKind.EXTENSION_APPROVED,
        EventKind.EXTENSION_DENIED,
        EventKind.WARNING,
        EventKind.SUPERVISED,
    }
)
