"""Stories: the life of one order, told through the services, one step per ``yield``.

A story yields the moment of its next step; the timeline resumes it then, with the clock frozen
at that moment. The shared steps (dispatch, handling, callback) are sub-generators used with
``yield from``. Stories whose name is a status (``signed_yellow``) end open on purpose; the
others end archived, rejected, escalated or merged.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timedelta

from minyi.demo.timeline import Story
from minyi.demo.world import Plan, World, assisting, live_lead
from minyi.orders.models import (
    Assignment,
    AssignmentStatus,
    Channel,
    ReplyMethod,
    Satisfaction,
    Solved,
    Status,
    Tracking,
    Warning,
    WorkOrder,
)
from minyi.orders.services.closing import (
    order_archive,
    order_callback,
    order_merge,
    order_redo,
    order_supervise,
)
from minyi.orders.services.dispatch import (
    assignment_return_request,
    assignment_sign,
    order_dispatch,
    return_accept,
    return_refuse,
)
from minyi.orders.services.handling import (
    assignment_reply,
    extension_approve,
    extension_deny,
    extension_request,
)
from minyi.orders.services.intake import REJECT, order_decide, order_direct_answer
from minyi.orders.services.tracking import tracking_confirm, tracking_done, tracking_progress
from minyi.suggestions.services import suggestion_escalate

Steps = Generator[datetime, None, object]

# -- shared steps -----------------------------------------------------------------------------


def _fresh(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_related("department").get(pk=assignment.pk)


def dispatch(w: World, plan: Plan, order: WorkOrder, *, lead=None, helpers=None) -> Steps:
    yield w.pace.office(0.2, 2.5)
    return order_dispatch(
        order=order,
        lead=lead or w.lead_of(plan),
        assisting=w.assisting_of(plan) if helpers is None else helpers,
        note="代表工单，请优先办理并及时与代表沟通。" if order.deputy_id else "",
        actor=w.dispatcher,
    )


def sign(w: World, assignment: Assignment, *, late: bool = False) -> Steps:
    if late:
        yield w.pace.workdays(w.rng.randint(1, 2), start=assignment.sign_due)
    else:
        moment = w.pace.office(0.3, 6)
        yield (
            moment
            if moment < assignment.sign_due
            else w.pace.before(assignment.sign_due, margin_hours=0.5)
        )
    return assignment_sign(assignment=assignment, actor=w.handler(assignment.department))


def reply(
    w: World, plan: Plan, assignment: Assignment, *, late: bool = False, partly=None, again=False
) -> Steps:
    assignment = _fresh(assignment)
    if late:
        start = max(w.pace.now(), assignment.reply_due)
        yield w.pace.workdays(w.rng.randint(1, 3), start=start)
    else:
        yield w.pace.before(assignment.reply_due, margin_hours=3)
    matter, rng = plan.matter, w.rng
    partly = bool(matter.plan) and rng.random() < 0.4 if partly is None else partly
    words = plan.words
    content = matter.reply.format(**words)
    if again:
        content = f"经重新核查并现场办理：{content}"
    if order_has_deputy(assignment):
        content += "已向代表当面说明办理情况。" if partly else "已电话联系代表反馈办理情况。"
    return assignment_reply(
        assignment=assignment,
        content=content,
        method=rng.choices([ReplyMethod.PHONE, ReplyMethod.VISIT, ReplyMethod.SMS], [6, 3, 1])[0],
        solved=Solved.PARTLY if partly else Solved.SOLVED,
        plan=matter.plan if partly else "",
        plan_due=(w.pace.now() + timedelta(days=rng.randint(60, 240))).date() if partly else None,
        actor=w.handler(assignment.department),
    )


def order_has_deputy(assignment: Assignment) -> bool:
    return WorkOrder.objects.filter(pk=assignment.order_id, deputy__isnull=False).exists()


def handle(w: World, plan: Plan, order: WorkOrder, *, late_reply=None, partly=None) -> Steps:
    """Sign (lead, then assisting), the assisting departments' opinions, the lead's reply."""
    rng = w.rng
    lead = live_lead(order)
    if lead.status == AssignmentStatus.PENDING:
        lead = yield from sign(w, lead, late=rng.random() < 0.05)
    for helper in assisting(order):
        if helper.status not in (AssignmentStatus.PENDING, AssignmentStatus.SIGNED):
            continue
        if helper.status == AssignmentStatus.PENDING:
            helper = yield from sign(w, helper)
        yield w.pace.before(lead.reply_due, margin_hours=12)
        assignment_reply(
            assignment=helper,
            content=f"协办意见：{helper.department.short_name}已按职责配合主办单位完成相关工作。",
            method=ReplyMethod.PHONE,
            solved=Solved.SOLVED,
            actor=w.handler(helper.department),
        )
    late = rng.random() < 0.06 if late_reply is None else late_reply
    return (yield from reply(w, plan, lead, late=late, partly=partly))


def callback(w: World, order: WorkOrder, satisfaction: str, solved: bool | None, note="") -> Steps:
    yield w.pace.calling_hours(w.pace.hours(2, 40))
    return order_callback(
        order=order, satisfaction=satisfaction, solved=solved, note=note, actor=w.agent
    )


def close(
    w: World, order: WorkOrder, *, satisfaction: str | None = None, track: str | None = None
) -> Steps:
    """Callback (sometimes nobody answers the first time), then archive. A dissatisfied
    requester is never archived (the redo and supervised stories send the order back). A reply
    that left the matter partly solved goes to 跟踪督办 instead (``track``: "open" leaves it
    there, "done" sees it confirmed; by default a few finish early)."""
    rng = w.rng
    if rng.random() < 0.08:
        yield from callback(
            w, order, Satisfaction.UNREACHABLE, None, "电话无人接听，次日再次回访。"
        )
    if satisfaction is None:
        satisfaction = rng.choices([Satisfaction.SATISFIED, Satisfaction.BASICALLY], [94, 6])[0]
    solved = track is None and (
        satisfaction == Satisfaction.SATISFIED
        or (satisfaction == Satisfaction.BASICALLY and rng.random() < 0.6)
    )
    notes = {
        Satisfaction.SATISFIED: "诉求人对办理结果表示满意。",
        Satisfaction.BASICALLY: "诉求人表示基本满意，希望后续持续关注。",
    }
    yield from callback(w, order, satisfaction, solved, notes[satisfaction])
    yield w.pace.minutes(2, 90)
    order = order_archive(order=order, actor=w.agent)
    if order.status == Status.TRACKING:
        finish = track == "done" if track else rng.random() < 0.3
        yield from follow_up(w, order, finish=finish)
    return order


def follow_up(w: World, order: WorkOrder, *, finish: bool) -> Steps:
    """跟踪督办 of a partly solved reply: the department reports progress; when it finishes
    early it reports done and the callback agent confirms with the requester by phone (now and
    then only after a second try)."""
    rng = w.rng
    tracking = Tracking.objects.select_related("department").get(order=order)
    handler = w.handler(tracking.department)
    yield w.pace.workdays(rng.randint(5, 10))
    tracking_progress(order=order, text="已完成前期勘察和方案设计，正按计划推进。", actor=handler)
    if not finish:
        return order
    yield w.pace.workdays(rng.randint(3, 8))
    tracking_done(order=order, text="措施已提前落实到位，已现场核实。", actor=handler)
    if rng.random() < 0.2:
        yield w.pace.calling_hours(w.pace.hours(2, 30))
        note = "诉求人反映仍有部分问题未解决，退回承办单位。"
        tracking_confirm(order=order, confirmed=False, note=note, actor=w.agent)
        yield w.pace.workdays(rng.randint(2, 5))
        tracking_done(order=order, text="遗留问题已整改完毕，已再次现场核实。", actor=handler)
    yield w.pace.calling_hours(w.pace.hours(2, 30))
    note = "电话确认措施已落实，诉求人表示满意。"
    tracking_confirm(order=order, confirmed=True, note=note, actor=w.agent)
    return order


# -- stories that end closed ----------------------------------------------------------------


def archived(w: World, plan: Plan) -> Story:
    order = w.create(plan)
    order = yield from dispatch(w, plan, order)
    yield from handle(w, plan, order)
    yield from close(w, order)


def direct(w: World, plan: Plan) -> Story:
    """A policy question answered on the phone by the hotline itself."""
    order = w.create(plan)
    yield w.pace.minutes(3, 25)
    order_direct_answer(order=order, content=plan.matter.reply, actor=w.operator)
    yield from close(w, order)


def _return_request(w: World, plan: Plan, order: WorkOrder, suggested) -> Steps:
    lead = live_lead(order)
    handler = w.handler(lead.department)
    yield w.pace.before(lead.return_due, margin_hours=1.5)
    if w.rng.random() < 0.4:
        assignment_sign(assignment=lead, actor=handler)
        yield w.pace.minutes(10, 40)
    opinion = w.leader_opinion(order, handler)
    yield w.pace.minutes(3, 20)
    return assignment_return_request(
        assignment=lead,
        reason=f"该事项不属于本单位职责范围，建议由{suggested.name}办理。",
        suggested_department=suggested,
        basis=f"依据{lead.department.name}职能配置、内设机构和人员编制规定（“三定”方案），"
        "本单位不承担该项职责。",
        leader_opinion=opinion,
        actor=handler,
    )


def return_accepted(w: World, plan: Plan) -> Story:
    """Dispatched to the wrong department, which returns it; re-dispatched to the right one."""
    order = w.create(plan)
    wrong = w.department(plan.matter.wrong, plan.township)
    order = yield from dispatch(w, plan, order, lead=wrong, helpers=[])
    request = yield from _return_request(w, plan, order, w.lead_of(plan))
    yield w.pace.office(0.5, 4)
    order = return_accept(
        request=request,
        note=f"同意退件，改派{w.lead_of(plan).name}。",
        redispatch_to=w.lead_of(plan),
        actor=w.dispatcher,
    )
    yield from handle(w, plan, order)
    yield from close(w, order)


def return_refused(w: World, plan: Plan) -> Story:
    order = w.create(plan)
    order = yield from dispatch(w, plan, order, helpers=[])
    request = yield from _return_request(w, plan, order, w.other_department(plan))
    yield w.pace.office(0.5, 4)
    order = return_refuse(
        request=request,
        note="经审核，该事项属于贵单位法定职责，驳回退件，请在原办理时限内办结并答复。",
        actor=w.dispatcher,
    )
    yield from handle(w, plan, order)
    yield from close(w, order)


def _sign_all(w: World, order: WorkOrder) -> Steps:
    lead = yield from sign(w, live_lead(order))
    for helper in assisting(order):
        yield from sign(w, helper)
    return lead


def extension_approved(w: World, plan: Plan) -> Story:
    order = w.create(plan)
    order = yield from dispatch(w, plan, order, helpers=[])
    lead = yield from _sign_all(w, order)
    yield w.pace.before(lead.reply_due, margin_hours=8)
    wanted = w.pace.cal.add_working_days(lead.reply_due, w.rng.choice([3, 5, 5, 10])).at
    request = extension_request(
        assignment=lead,
        requested_due=wanted,
        reason="需协调村组、勘测现场并筹措资金，现有时限内无法办结，申请延期。",
        actor=w.handler(lead.department),
    )
    yield w.pace.office(0.5, 5)
    extension_approve(request=request, note="情况属实，同意延期。", actor=w.dispatcher)
    yield from handle(w, plan, order, late_reply=w.rng.random() < 0.1)
    yield from close(w, order)


def extension_denied(w: World, plan: Plan) -> Story:
    order = w.create(plan)
    order = yield from dispatch(w, plan, order, helpers=[])
    lead = yield from _sign_all(w, order)
    yield w.pace.before(lead.reply_due, margin_hours=10)
    request = extension_request(
        assignment=lead,
        requested_due=w.pace.cal.add_working_days(lead.reply_due, 5).at,
        reason="近期工作任务较重，申请延期办理。",
        actor=w.handler(lead.department),
    )
    yield w.pace.office(0.3, 3)
    extension_deny(request=request, note="延期理由不充分，请按原时限办结。", actor=w.dispatcher)
    yield from handle(w, plan, order, late_reply=w.rng.random() < 0.3)
    yield from close(w, order)


def redo(w: World, plan: Plan) -> Story:
    """The requester says nothing changed: sent back to the department, then solved."""
    order = w.create(plan)
    order = yield from dispatch(w, plan, order)
    yield from handle(w, plan, order, late_reply=False)
    yield from callback(w, order, Satisfaction.DISSATISFIED, False, "诉求人反映问题仍未解决。")
    yield w.pace.minutes(5, 60)
    order_redo(order=order, note="回访不满意，问题未实际解决，发回重办。", actor=w.agent)
    yield from reply(w, plan, live_lead(order), partly=False, again=True)
    yield from close(w, order, satisfaction=Satisfaction.SATISFIED)


def supervised(w: World, plan: Plan) -> Story:
    order = w.create(plan)
    order = yield from dispatch(w, plan, order, helpers=[])
    if w.rng.random() < 0.5:  # red supervision of an overdue order
        lead = yield from _sign_all(w, order)
        yield w.pace.workdays(1, start=lead.reply_due)
        order_supervise(
            order=order,
            level=Warning.RED,
            note="已超过办理时限，红色督办，请立即办结并答复代表。",
            actor=w.dispatcher,
        )
        yield from reply(w, plan, lead, late=True, partly=False)
    else:  # dissatisfied at callback: yellow supervision sends it back
        yield from handle(w, plan, order, late_reply=False)
        yield from callback(w, order, Satisfaction.DISSATISFIED, False, "代表对办理结果不满意。")
        yield w.pace.minutes(10, 120)
        order_supervise(
            order=order,
            level=Warning.YELLOW,
            note="代表不满意，黄色督办，请承办单位重新核查办理。",
            actor=w.agent,
        )
        yield from reply(w, plan, live_lead(order), partly=False, again=True)
    yield from close(w, order, satisfaction=Satisfaction.SATISFIED)


def merged(w: World, plan: Plan) -> Story:
    """A second caller reports the same matter; the duplicate joins the first order."""
    order = w.create(plan)
    order = yield from dispatch(w, plan, order)
    yield w.pace.calling_hours(w.pace.hours(1, 20))
    twin = Plan(**{**plan.__dict__, "channel": Channel.CITIZEN_CALL})
    duplicate = w.create(twin)
    yield w.pace.office(0.2, 3)
    order_merge(
        order=duplicate,
        master=order,
        note=f"与工单 {order.number} 反映同一事项，合并办理。",
        actor=w.dispatcher,
    )
    yield from handle(w, plan, order)
    yield from close(w, order)


def tracked(w: World, plan: Plan) -> Story:
    """A reply that could solve the matter only in part, with its plan: 跟踪督办 with progress,
    still open (the plan's date lies ahead)."""
    order = w.create(plan)
    order = yield from dispatch(w, plan, order, helpers=[])
    yield from handle(w, plan, order, late_reply=False, partly=True)
    yield from close(w, order, track="open")


def tracked_done(w: World, plan: Plan) -> Story:
    """跟踪督办 that ends: the department reports done, the requester confirms, archived."""
    order = w.create(plan)
    order = yield from dispatch(w, plan, order, helpers=[])
    yield from handle(w, plan, order, late_reply=False, partly=True)
    yield from close(w, order, track="done")


def rejected(w: World, plan: Plan) -> Story:
    """Out of scope, decided on the draft (one SMS with the reason and basis): by the operator,
    or by the dispatcher for a draft recorded from another channel."""
    reason = w.reasons[plan.matter.reason]
    by_dispatcher = w.rng.random() < 0.3
    order = w.create(plan, accept=False)
    yield w.pace.minutes(1, 15) if reason.code == "emergency" else w.pace.minutes(10, 180)
    order_decide(
        order=order,
        decision=REJECT,
        reason=reason,
        actor=w.dispatcher if by_dispatcher else w.operator,
    )


def escalated(w: World, plan: Plan) -> Story:
    """Too big for the hotline: the liaison committee takes it on as a deputy suggestion."""
    order = w.create(plan)
    note = "涉及规划、资金和多个部门，热线难以办结，转联工委按闭会期间代表建议交有关部门办理。"
    if w.rng.random() < 0.5:
        yield w.pace.office(2, 30)
    else:
        order = yield from dispatch(w, plan, order)
        yield from handle(w, plan, order, late_reply=False, partly=True)
        yield from callback(w, order, Satisfaction.DISSATISFIED, False, "问题涉及面广，尚未解决。")
        yield w.pace.office(4, 48)
    suggestion_escalate(order=order, note=note, actor=w.liaison)


STORIES = {
    "archived": archived,
    "direct": direct,
    "return_accepted": return_accepted,
    "return_refused": return_refused,
    "extension_approved": extension_approved,
    "extension_denied": extension_denied,
    "redo": redo,
    "supervised": supervised,
    "merged": merged,
    "rejected": rejected,
    "escalated": escalated,
    "tracking": tracked,
    "tracking_done": tracked_done,
}
