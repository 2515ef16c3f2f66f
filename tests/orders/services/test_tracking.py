"""跟踪督办 (issue 9 rule 6): "因客观条件限制暂时无法解决的…告知…解决措施及时间…市12345热线将对此类办结
工单跟踪督办". An unsolved reply, once called back and archived, is tracked until the department
reports it done and the requester confirms."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import (
    EventKind,
    ReplyMethod,
    Satisfaction,
    Solved,
    Status,
    Tracking,
    TrackingState,
    WorkOrder,
)
from minyi.orders.services.closing import order_archive, order_callback, order_merge
from minyi.orders.services.handling import assignment_reply
from minyi.orders.services.tracking import tracking_confirm, tracking_done, tracking_progress
from tests.factories import (
    MONDAY,
    events,
    last_event,
    lead_of,
    make_order,
    refused,
)
from tests.workbench.detail_helpers import deputy_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def tracked(hana, carl):
    return make_order("tracking", handler=hana, agent=carl)


def fresh(order) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def called_back(hana, carl, *, solved: str, callback_solved: bool, **plan):
    order = make_order("signed", handler=hana)
    assignment_reply(
        assignment=lead_of(order),
        content="已约谈摊贩，疏导点尚在选址。",
        method=ReplyMethod.PHONE,
        solved=solved,
        actor=hana,
        **plan,
    )
    order_callback(
        order=order, satisfaction=Satisfaction.BASICALLY, solved=callback_solved, actor=carl
    )
    return fresh(order)


PLAN = {"plan": "在路口东侧设置疏导点", "plan_due": date(2026, 3, 20)}


def test_archiving_an_unsolved_reply_puts_the_order_in_tracking_with_the_plan(hana, carl):
    order = called_back(hana, carl, solved=Solved.PARTLY, callback_solved=False, **PLAN)

    order_archive(order=order, note="部分解决，跟踪办理", actor=carl)

    order = fresh(order)
    assert order.status == Status.TRACKING
    assert order.closed_at is None and order.is_open
    tracking = Tracking.objects.get(order=order)
    assert (tracking.department, tracking.plan, tracking.plan_due, tracking.state) == (
        hana.department,
        "在路口东侧设置疏导点",
        date(2026, 3, 20),
        TrackingState.HANDLING,
    )
    event = last_event(order)
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        EventKind.TRACKING_OPENED,
        Status.CALLBACK,
        Status.TRACKING,
        carl,
    )
    assert event.data["plan_due"] == "2026-03-20"
    assert not events(order, EventKind.ARCHIVED)


def test_a_solved_reply_is_archived_as_before(hana, carl):
    order = make_order("archived", handler=hana, agent=carl)

    assert order.status == Status.ARCHIVED
    assert not Tracking.objects.filter(order=order).exists()


def test_an_unsolved_reply_the_requester_says_is_solved_after_all_is_archived(hana, carl):
    order = called_back(hana, carl, solved=Solved.NOT_YET, callback_solved=True, **PLAN)

    order_archive(order=order, actor=carl)

    assert fresh(order).status == Status.ARCHIVED
    assert not Tracking.objects.filter(order=order).exists()


def test_the_department_reports_progress_and_may_move_the_plan_date(tracked, hana):
    tracking_progress(
        order=tracked, text="疏导点已选址，正在施工", plan_due=date(2026, 3, 27), actor=hana
    )

    tracking = Tracking.objects.get(order=tracked)
    assert (tracking.state, tracking.plan_due) == (TrackingState.HANDLING, date(2026, 3, 27))
    event = last_event(tracked)
    assert (event.kind, event.note, event.to_status) == (
        EventKind.TRACKING_PROGRESS,
        "疏导点已选址，正在施工",
        Status.TRACKING,
    )
    assert (event.data["old_plan_due"], event.data["plan_due"]) == ("2026-03-20", "2026-03-27")


def test_progress_without_text_or_with_a_past_plan_date_is_refused(tracked, hana):
    with refused(ValidationFailed, tracked, match="办理进展"):
        tracking_progress(order=tracked, text="  ", actor=hana)
    with refused(ValidationFailed, tracked, match="不能早于今天"):
        tracking_progress(order=tracked, text="推进中", plan_due=date(2026, 3, 1), actor=hana)


def test_another_department_cannot_report_on_the_tracking(tracked, henry, dan):
    for someone in (henry, dan):
        with refused(InvalidTransition, tracked, match="承办单位"):
            tracking_progress(order=tracked, text="推进中", actor=someone)
        with refused(InvalidTransition, tracked, match="承办单位"):
            tracking_done(order=tracked, text="已办结", actor=someone)


def test_the_done_report_waits_for_the_requester(tracked, hana):
    tracking_done(order=tracked, text="疏导点已建成并投入使用", actor=hana)

    assert Tracking.objects.get(order=tracked).state == TrackingState.CONFIRMING
    assert fresh(tracked).status == Status.TRACKING
    assert last_event(tracked).kind == EventKind.TRACKING_DONE
    with refused(InvalidTransition, tracked, match="待确认"):
        tracking_progress(order=tracked, text="再报一次", actor=hana)


def test_the_callback_agent_confirms_by_phone_and_the_order_is_archived(tracked, hana, carl):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)

    tracking_confirm(order=tracked, confirmed=True, note="电话确认已解决", actor=carl)

    order = fresh(tracked)
    assert order.status == Status.ARCHIVED and order.closed_at == MONDAY
    tracking = Tracking.objects.get(order=tracked)
    assert (tracking.state, tracking.closed_at) == (TrackingState.DONE, MONDAY)
    event = last_event(tracked)
    assert (event.kind, event.to_status, event.data["rater"]) == (
        EventKind.TRACKING_CONFIRMED,
        Status.ARCHIVED,
        "agent",
    )


def test_the_deputy_who_raised_the_order_confirms_on_their_page(zhang, hana, carl):
    order = make_order("tracking", channel="deputy_call", deputy=zhang, handler=hana, agent=carl)
    tracking_done(order=order, text="疏导点已建成", actor=hana)

    tracking_confirm(order=order, confirmed=True, actor=deputy_user(zhang))

    assert fresh(order).status == Status.ARCHIVED
    assert last_event(order).data["rater"] == "deputy"


def test_not_done_goes_back_to_the_department(tracked, hana, carl):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)

    tracking_confirm(order=tracked, confirmed=False, note="摊贩仍在原处", actor=carl)

    tracking = Tracking.objects.get(order=tracked)
    assert (tracking.state, tracking.done_reported_at) == (TrackingState.HANDLING, None)
    assert fresh(tracked).status == Status.TRACKING
    event = last_event(tracked)
    assert (event.kind, event.note) == (EventKind.TRACKING_REOPENED, "摊贩仍在原处")
    tracking_progress(order=tracked, text="加派人员巡查", actor=hana)  # the department again


def test_not_done_needs_the_reason(tracked, hana, carl):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)

    with refused(ValidationFailed, tracked, match="尚未解决的问题"):
        tracking_confirm(order=tracked, confirmed=False, actor=carl)


def test_nobody_confirms_before_the_done_report(tracked, carl):
    with refused(InvalidTransition, tracked, match="办理中"):
        tracking_confirm(order=tracked, confirmed=True, actor=carl)


def test_only_the_requester_side_confirms(tracked, hana, dan, li):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)

    for someone in (hana, dan, deputy_user(li)):
        with refused(InvalidTransition, tracked, match="代表本人或回访员"):
            tracking_confirm(order=tracked, confirmed=True, actor=someone)


def test_a_second_confirmation_is_refused_and_changes_nothing(tracked, hana, carl):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)
    tracking_confirm(order=tracked, confirmed=True, actor=carl)

    with refused(InvalidTransition, tracked, match="不在跟踪督办中"):
        tracking_confirm(order=tracked, confirmed=True, actor=carl)


def test_an_order_outside_tracking_takes_no_tracking_step(hana, carl):
    order = make_order("archived", handler=hana, agent=carl)

    with refused(InvalidTransition, order, match="不在跟踪督办中"):
        tracking_progress(order=order, text="推进中", actor=hana)


def test_a_tracked_order_is_not_merged_away(tracked, dan):
    master = make_order("accepted")

    with refused(InvalidTransition, tracked, match="跟踪督办"):
        order_merge(order=tracked, master=master, actor=dan)
