"""跟踪督办 of replies that did not solve the matter (DESIGN §3, issue 9 rule 6).

Seed: "因客观条件限制暂时无法解决的…告知…解决措施及时间…市12345热线将对此类办结工单跟踪督办". A lead
department's reply 暂未解决 or 部分解决 carries its plan and date (``handling.assignment_reply``
requires them). When the callback agent archives such an order (``closing.order_archive``), it
goes to ``Status.TRACKING`` instead of ``ARCHIVED`` with a ``Tracking`` row — the department, the
plan, its date — and leaves the callback agent's 回访 queues for the 跟踪督办 ones:

    办理中 ──tracking_progress (text, maybe a new date)──▶ 办理中
    办理中 ──tracking_done (text)──▶ 待确认
    待确认 ──tracking_confirm(confirmed)──▶ 已办结, the order ARCHIVED (closed_at set)
    待确认 ──tracking_confirm(not confirmed)──▶ 办理中 (back to the department)

The department is the lead department's handlers; the requester confirms: the deputy who raised
the order on their own page, or the callback agent who asked the requester by phone. Every step
locks the order, checks state and role, and writes one event; the messages follow from the event
(minyi/notify/rules.py). ``tracking_scan`` (a periodic job) reminds the department
``TRACKING_REMIND_WORKING_DAYS`` working days before the plan date and tells it once the date has
passed without a done report, each once per plan date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.core.bounds import check_date, check_length
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders import text_limits as limits
from minyi.orders.models import (
    AssignmentRole,
    CallbackRater,
    EventKind,
    Reply,
    Solved,
    Status,
    Tracking,
    TrackingState,
    WorkOrder,
)
from minyi.orders.services.common import lock_order, messages_follow, transition
from minyi.orders.services.rating import is_raising_deputy
from minyi.workdays.calendar import get_calendar

REMIND_WORKING_DAYS_DEFAULT = 3


def remind_working_days() -> int:
    return int(getattr(settings, "TRACKING_REMIND_WORKING_DAYS", REMIND_WORKING_DAYS_DEFAULT))


def unsolved_reply(order: WorkOrder) -> Reply | None:
    """The order's current reply when it is a lead department's reply that left the matter
    暂未解决 or 部分解决 with a plan and a date; otherwise None (archive as usual)."""
    reply = order.replies.select_related("assignment").order_by("-at", "-id").first()
    if (
        reply is None
        or reply.solved == Solved.SOLVED
        or reply.assignment_id is None
        or reply.assignment.role != AssignmentRole.LEAD
        or reply.plan_due is None
    ):
        return None
    return reply


def tracking_applies(order: WorkOrder) -> Reply | None:
    """Archiving ``order`` opens a tracking: its reply is unsolved (``unsolved_reply``) and the
    callback did not hear from the requester that it is solved after all."""
    if order.solved_confirmed:
        return None
    return unsolved_reply(order)


def tracking_open(*, order: WorkOrder, reply: Reply, note: str, actor, **data) -> Tracking:
    """列入跟踪督办: called by ``closing.order_archive`` on the locked order, in its transaction,
    instead of archiving. ``data`` is what the archive event would have carried."""
    tracking = Tracking.objects.create(
        order=order,
        department_id=reply.assignment.department_id,
        reply=reply,
        plan=reply.plan,
        plan_due=reply.plan_due,
        opened_at=clock.now(),
    )
    transition(
        order,
        EventKind.TRACKING_OPENED,
        to=Status.TRACKING,
        actor=actor,
        note=note or "",
        department=reply.assignment.department.name,
        plan=reply.plan,
        plan_due=timefmt.day_text(reply.plan_due),
        solved=reply.solved,
        **data,
    )
    return tracking


# -- who may ----------------------------------------------------------------------------------


def is_tracking_handler(user, tracking: Tracking | None) -> bool:
    return bool(
        tracking is not None
        and user is not None
        and getattr(user, "role", "") == Role.HANDLER
        and getattr(user, "department_id", None) == tracking.department_id
    )


def may_confirm(user, order: WorkOrder) -> bool:
    """The requester confirms: the deputy who raised the order, or the callback agent by phone."""
    return getattr(user, "role", "") == Role.CALLBACK or is_raising_deputy(user, order)


def _lock_tracking(order: WorkOrder, action: str, state: str) -> tuple[WorkOrder, Tracking]:
    order = lock_order(order)
    tracking = Tracking.objects.select_for_update().filter(order=order).first()
    if order.status != Status.TRACKING or tracking is None:
        raise InvalidTransition(
            f"工单 {order.number} 当前为“{order.get_status_display()}”，不在跟踪督办中，不能{action}。"
        )
    if tracking.state != state:
        raise InvalidTransition(
            f"跟踪督办当前为“{tracking.get_state_display()}”，不能{action}"
            f"（仅限“{TrackingState(state).label}”）。"
        )
    return order, tracking


def _text(text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(f"请填写{label}。")
    check_length(text, label=label, max_length=limits.NOTE)
    return text


# -- the department ------------------------------------------------------------------------------


@transaction.atomic
def tracking_progress(
    *, order: WorkOrder, text: str, plan_due: date | None = None, actor
) -> Tracking:
    """报告进展: a handler of the tracking department writes what has been done, and may move the
    plan date (a new date gets its own reminder). The deputy is told by SMS."""
    text = _text(text, "办理进展")
    check_date(plan_due, label="计划完成时间")
    order, tracking = _lock_tracking(order, "报告进展", TrackingState.HANDLING)
    if not is_tracking_handler(actor, tracking):
        raise InvalidTransition("只有跟踪督办的承办单位可以报告进展。")
    old_due = tracking.plan_due
    if plan_due is not None and plan_due != old_due:
        if plan_due < timefmt.local_date(clock.now()):
            raise ValidationFailed("新的计划完成时间不能早于今天。")
        tracking.plan_due = plan_due
        tracking.save(update_fields=["plan_due"])
    transition(
        order,
        EventKind.TRACKING_PROGRESS,
        actor=actor,
        note=text,
        plan_due=timefmt.day_text(tracking.plan_due),
        old_plan_due=timefmt.day_text(old_due),
    )
    return tracking


@transaction.atomic
def tracking_done(*, order: WorkOrder, text: str, actor) -> Tracking:
    """报告已办结: the department says the plan is carried out; the requester is asked to confirm
    (the deputy on their page or by phone, anyone else by the callback agent's call)."""
    text = _text(text, "办结情况")
    order, tracking = _lock_tracking(order, "报告已办结", TrackingState.HANDLING)
    if not is_tracking_handler(actor, tracking):
        raise InvalidTransition("只有跟踪督办的承办单位可以报告已办结。")
    tracking.state, tracking.done_reported_at = TrackingState.CONFIRMING, clock.now()
    tracking.save(update_fields=["state", "done_reported_at"])
    transition(order, EventKind.TRACKING_DONE, actor=actor, note=text)
    return tracking


# -- the requester ------------------------------------------------------------------------------


@transaction.atomic
def tracking_confirm(*, order: WorkOrder, confirmed: bool, note: str = "", actor) -> Tracking:
    """确认办结 (the order is archived) or 未办结 (back to the department, its handlers told), by
    the deputy who raised the order or the callback agent who asked the requester."""
    if confirmed not in (True, False):
        raise ValidationFailed("请选择是否已办结。")
    note = (note or "").strip()
    if not confirmed and not note:
        raise ValidationFailed("未办结的，请写明尚未解决的问题。")
    check_length(note, label="确认意见", max_length=limits.NOTE)
    order, tracking = _lock_tracking(order, "确认办结", TrackingState.CONFIRMING)
    if not may_confirm(actor, order):
        raise InvalidTransition("只有反映该工单的代表本人或回访员可以确认是否办结。")
    rater = (
        CallbackRater.DEPUTY if getattr(actor, "role", "") == Role.DEPUTY else CallbackRater.AGENT
    )
    now = clock.now()
    if confirmed:
        tracking.state, tracking.closed_at = TrackingState.DONE, now
        tracking.save(update_fields=["state", "closed_at"])
        order.closed_at = now
        event = transition(
            order,
            EventKind.TRACKING_CONFIRMED,
            to=Status.ARCHIVED,
            actor=actor,
            fields=["closed_at"],
            note=note,
            rater=rater,
        )
        messages_follow(order, event)  # a 码上找代表 message gets the result to answer with
    else:
        tracking.state, tracking.done_reported_at = TrackingState.HANDLING, None
        tracking.save(update_fields=["state", "done_reported_at"])
        transition(order, EventKind.TRACKING_REOPENED, actor=actor, note=note, rater=rater)
    return tracking


# -- the reminder job ------------------------------------------------------------------------------


def working_days_before(day: date, days: int, cal=None) -> date:
    """The working day ``days`` working days before ``day`` (the workdays calendar)."""
    return (cal or get_calendar()).working_days_before(day, days)


@dataclass
class ScanResult:
    reminded: int = 0
    overdue: int = 0

    def __str__(self) -> str:
        return f"跟踪督办：到期提醒 {self.reminded} 件，逾期告知 {self.overdue} 件"


def tracking_scan(now=None) -> ScanResult:
    """提醒 the department ``remind_working_days()`` working days before the plan date, and tell
    it once the date has passed without a done report; each once per plan date (``reminded_for``,
    ``overdue_for``), one event each. Running it twice changes nothing the second time."""
    now = now or clock.now()
    today = timefmt.local_date(now)
    cal = get_calendar()
    days = remind_working_days()
    result = ScanResult()
    # N working days never span more than 2N + 14 calendar days (the longest break, 春节, is
    # 8 or 9 days): the plans further out need no look, on the (state, plan_due) index
    horizon = today + timedelta(days=2 * days + 14)
    handling = Tracking.objects.filter(
        state=TrackingState.HANDLING, order__status=Status.TRACKING, plan_due__lte=horizon
    )
    for tracking in handling.order_by("plan_due", "id"):
        if tracking.plan_due < today and tracking.overdue_for != tracking.plan_due:
            result.overdue += _notice(tracking.order_id, today, overdue=True)
        elif (
            tracking.plan_due >= today
            and tracking.reminded_for != tracking.plan_due
            and working_days_before(tracking.plan_due, days, cal) <= today
        ):
            result.reminded += _notice(tracking.order_id, today, overdue=False)
    return result


@transaction.atomic
def _notice(order_id: int, today: date, *, overdue: bool) -> int:
    """One reminder or overdue notice, re-checked on the locked rows (another scan, a done report
    may have come first)."""
    order = lock_order(order_id)
    tracking = Tracking.objects.select_for_update().get(order=order)
    if order.status != Status.TRACKING or tracking.state != TrackingState.HANDLING:
        return 0
    field = "overdue_for" if overdue else "reminded_for"
    if getattr(tracking, field) == tracking.plan_due or (tracking.plan_due < today) != overdue:
        return 0
    setattr(tracking, field, tracking.plan_due)
    tracking.save(update_fields=[field])
    transition(
        order,
        EventKind.TRACKING_OVERDUE if overdue else EventKind.TRACKING_REMINDED,
        plan_due=timefmt.day_text(tracking.plan_due),
    )
    return 1
