"""Stories that end open, planned backwards from the real now.

A closed story can start anywhere in the three months; an open one must end in a given state at
the moment of loading: a draft from this morning, an order signed so long ago that it is overdue
(red), or one whose deadline is the next working day (yellow). Each planner picks the moments of
the steps (``plan.times``) and returns False when the calendar offers no such moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from minyi.core import clock
from minyi.demo.timeline import OFFICE_CLOSE, OFFICE_OPEN, Story
from minyi.demo.world import Plan, World, live_lead
from minyi.orders.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    ReplyMethod,
    Satisfaction,
    Solved,
    Status,
    Warning,
    WorkOrder,
)
from minyi.orders.services.closing import order_callback, order_supervise
from minyi.orders.services.deadlines import (
    assignment_start_clocks,
    assignment_start_reply_clock,
    order_sync_deadlines,
)
from minyi.orders.services.dispatch import (
    assignment_return_request,
    assignment_sign,
    order_dispatch,
)
from minyi.orders.services.handling import assignment_reply, extension_approve, extension_request
from minyi.reference.limits import limits_for_order
from minyi.reference.models import ClockStart
from minyi.workdays.calendar import SHANGHAI


def _hours(w: World, low: float, high: float) -> timedelta:
    return timedelta(hours=w.rng.uniform(low, high))


def _in_office(w: World, moment: datetime) -> bool:
    local = moment.astimezone(SHANGHAI)
    return w.pace.cal.is_workday(local.date()) and OFFICE_OPEN <= local.time() <= OFFICE_CLOSE


def warning_at(w: World, plan: Plan, *, stage: str, start: datetime, now: datetime):
    """(warning, next due) at ``now`` of an order of this plan whose lead department was
    dispatched (stage "sign") or whose handling clock started (stage "handle") at ``start``.
    The answer comes from the deadline service itself, on unsaved rows, so the demo follows the
    policy in force."""
    cal = w.pace.cal
    order = WorkOrder(
        request_type=w.types[plan.request_type],
        urgency=plan.urgency,
        complexity=plan.complexity,
        status=Status.DISPATCHED if stage == "sign" else Status.SIGNED,
    )
    lead = Assignment(
        role=AssignmentRole.LEAD,
        status=AssignmentStatus.PENDING,
        dispatched_at=start,
        limits=limits_for_order(order, w.rules),
    )
    assignment_start_clocks(lead, at=start, cal=cal)
    if stage == "handle":
        lead.status = AssignmentStatus.SIGNED
        if lead.reply_clock_start is None:  # a rule that starts the handling clock at sign-for
            assignment_start_reply_clock(lead, at=start, cal=cal)
    with clock.frozen(now):
        order_sync_deadlines(order, [lead], cal=cal)
    return order.warning, order.next_due


def start_for(w: World, plan: Plan, stage: str, now: datetime, want: str) -> datetime | None:
    """An office moment before ``now`` from which the order is yellow, or red, at ``now``."""
    hits = []
    for hour in range(1, 24 * 60):
        start = (now - timedelta(hours=hour)).replace(minute=17, second=0, microsecond=0)
        if not _in_office(w, start):
            continue
        warning, due = warning_at(w, plan, stage=stage, start=start, now=now)
        if want == Warning.YELLOW:
            if warning == Warning.RED:
                break  # further back is only more overdue
            if warning == Warning.YELLOW:
                hits.append(start)
        elif warning == Warning.RED and due < now - timedelta(days=1):
            hits.append(start)
            if len(hits) >= 40:
                break
    return w.rng.choice(hits) if hits else None


def _before(w: World, moment: datetime, low: float, high: float) -> datetime:
    return w.pace.back_to_office(moment - _hours(w, low, high))


def _intake_before(w: World, plan: Plan, dispatch_at: datetime) -> None:
    plan.times["dispatch"] = dispatch_at
    plan.start = dispatch_at - _hours(w, 0.3, 3)


def _chain_to_sign(w: World, plan: Plan, sign_at: datetime) -> None:
    plan.times["sign"] = sign_at
    _intake_before(w, plan, _before(w, sign_at, 0.5, 5))


def _chain_to_handling(w: World, plan: Plan, start: datetime, now: datetime) -> None:
    """The plan's handling clock starts at ``start``: at dispatch (the default) or at sign-for,
    as the rule in force says (DESIGN §3)."""
    order = WorkOrder(
        request_type=w.types[plan.request_type], urgency=plan.urgency, complexity=plan.complexity
    )
    if limits_for_order(order, w.rules)["handle"]["clock_start"] == ClockStart.SIGN:
        _chain_to_sign(w, plan, start)
        return
    _intake_before(w, plan, start)
    plan.times["sign"] = min(start + _hours(w, 0.3, 4), start + (now - start) / 2)


# -- planners: fill plan.start and plan.times; False when no moment fits ------------------------


def plan_draft(w: World, plan: Plan, now: datetime) -> bool:
    plan.start = now - _hours(w, 0.3, 12)
    return True


def plan_accepted(w: World, plan: Plan, now: datetime) -> bool:
    """Waiting in the dispatch queue on its dispatch clock (2 working hours by default): most
    within it, some nearing it or past it when the load runs in working time."""
    plan.start = now - _hours(w, 0.1, 3)
    return True


def plan_dispatched(want: str):
    def planner(w: World, plan: Plan, now: datetime) -> bool:
        start = start_for(w, plan, "sign", now, want)
        if start is None:
            return False
        _intake_before(w, plan, start)
        return True

    return planner


def plan_returned(w: World, plan: Plan, now: datetime) -> bool:
    plan.times["return"] = returned = _before(w, now, 0.5, 20)
    _intake_before(w, plan, _before(w, returned, 1, 5))
    return True


def plan_signed(want: str | None):
    def planner(w: World, plan: Plan, now: datetime) -> bool:
        if want is None:  # signed recently: on the clock, nothing due yet
            signed_at = w.pace.back_to_office(now - _hours(w, 1, 30))
            _chain_to_sign(w, plan, signed_at)
            if w.rng.random() < 0.4:  # asked for more time at once, and got it
                plan.times["extension"] = signed_at + (now - signed_at) * 0.5
                plan.times["approval"] = signed_at + (now - signed_at) * 0.8
            return True
        start = start_for(w, plan, "handle", now, want)
        if start is None:
            return False
        _chain_to_handling(w, plan, start, now)
        return True

    return planner


def plan_replied(w: World, plan: Plan, now: datetime) -> bool:
    plan.times["reply"] = replied = w.pace.back_to_office(now - _hours(w, 0.5, 24))
    _chain_to_sign(w, plan, _before(w, replied, 3, 30))
    return True


def plan_callback(w: World, plan: Plan, now: datetime) -> bool:
    plan.times["callback"] = called = now - _hours(w, 0.3, 8)
    plan.times["reply"] = replied = _before(w, called, 2, 30)
    _chain_to_sign(w, plan, _before(w, replied, 3, 30))
    return True


# -- the stories -------------------------------------------------------------------------------


def _until_dispatched(w: World, plan: Plan, *, lead=None):
    order = w.create(plan)
    yield plan.times["dispatch"]
    return order_dispatch(
        order=order, lead=lead or w.lead_of(plan), assisting=[], actor=w.dispatcher
    )


def _until_signed(w: World, plan: Plan):
    order = yield from _until_dispatched(w, plan)
    yield plan.times["sign"]
    lead = live_lead(order)
    return order, assignment_sign(assignment=lead, actor=w.handler(lead.department))


def draft(w: World, plan: Plan) -> Story:
    w.create(plan, accept=False)
    return
    yield  # a generator that ends after its first step


def accepted(w: World, plan: Plan) -> Story:
    w.create(plan)
    return
    yield


def dispatched(w: World, plan: Plan) -> Story:
    yield from _until_dispatched(w, plan)


def returned(w: World, plan: Plan) -> Story:
    wrong = w.department(plan.matter.wrong, plan.township) if plan.matter.wrong else None
    order = yield from _until_dispatched(w, plan, lead=wrong)
    yield plan.times["return"]
    lead = live_lead(order)
    handler = w.handler(lead.department)
    suggested = w.lead_of(plan) if wrong else w.other_department(plan)
    assignment_return_request(
        assignment=lead,
        reason=f"该事项不属于本单位职责范围，建议由{suggested.name}办理。",
        suggested_department=suggested,
        basis=f"依据{lead.department.name}“三定”方案，本单位不承担该项职责。",
        leader_opinion=w.leader_opinion(order, handler),
        actor=handler,
    )


def signed(w: World, plan: Plan) -> Story:
    order, lead = yield from _until_signed(w, plan)
    if "extension" in plan.times:
        yield plan.times["extension"]
        request = extension_request(
            assignment=lead,
            requested_due=w.pace.cal.add_working_days(lead.reply_due, 5).at,
            reason="需等待第三方检测报告，申请延期。",
            actor=w.handler(lead.department),
        )
        yield plan.times["approval"]
        extension_approve(request=request, note="同意延期。", actor=w.dispatcher)


def signed_red(w: World, plan: Plan) -> Story:
    order, lead = yield from _until_signed(w, plan)
    if w.rng.random() < 0.6:  # overdue: the dispatcher supervises (the step is skipped if later)
        yield w.pace.workdays(1, start=lead.reply_due)
        order_supervise(
            order=order,
            level=Warning.RED,
            note="已超过办理时限，红色督办，请立即办结。",
            actor=w.dispatcher,
        )


def replied(w: World, plan: Plan) -> Story:
    order, lead = yield from _until_signed(w, plan)
    yield plan.times["reply"]
    assignment_reply(
        assignment=lead,
        content=plan.matter.reply.format(**plan.words),
        method=ReplyMethod.PHONE,
        solved=Solved.SOLVED,
        actor=w.handler(lead.department),
    )
    return order


def callback(w: World, plan: Plan) -> Story:
    order = yield from replied(w, plan)
    yield plan.times["callback"]
    if w.rng.random() < 0.6:
        order_callback(
            order=order,
            satisfaction=Satisfaction.UNREACHABLE,
            note="电话无人接听，稍后再次回访。",
            actor=w.agent,
        )
    else:
        order_callback(
            order=order,
            satisfaction=Satisfaction.SATISFIED,
            solved=True,
            note="诉求人表示满意，待归档。",
            actor=w.agent,
        )


# fate -> (planner, story)
OPEN_STORIES = {
    "draft": (plan_draft, draft),
    "accepted": (plan_accepted, accepted),
    "dispatched_red": (plan_dispatched(Warning.RED), dispatched),
    "dispatched_yellow": (plan_dispatched(Warning.YELLOW), dispatched),
    "returned": (plan_returned, returned),
    "signed": (plan_signed(None), signed),
    "signed_red": (plan_signed(Warning.RED), signed_red),
    "signed_yellow": (plan_signed(Warning.YELLOW), signed),
    "replied": (plan_replied, replied),
    "callback": (plan_callback, callback),
}
