"""After a dissatisfied callback: redo (重办) sends the order back to the lead department with a
new deadline; supervision (督办) marks it and, from callback, reopens it too."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import (
    AssignmentStatus,
    EventKind,
    ReturnRequest,
    Satisfaction,
    Status,
    Warning,
)
from minyi.orders.services.closing import order_callback, order_redo, order_supervise
from minyi.orders.services.dispatch import return_accept
from minyi.orders.services.handling import assignment_reply
from tests.factories import MONDAY, at, last_event, lead_of, make_order, refused

pytestmark = pytest.mark.django_db

NEXT_MONDAY = at(2026, 3, 9, 10)


@pytest.fixture(autouse=True)
def _next_monday():
    with clock.frozen(NEXT_MONDAY):
        yield


@pytest.fixture
def dissatisfied(hana, carl):
    order = make_order("replied", at=MONDAY, handler=hana)
    order_callback(order=order, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=carl)
    order.refresh_from_db()
    return order


# -- redo ---------------------------------------------------------------------------------------


def test_carl_sends_it_back_for_redo_with_a_new_deadline(dissatisfied, carl, hana):
    order = order_redo(order=dissatisfied, note="群众反映仍有夜间施工", actor=carl)

    assert order.status == Status.SIGNED
    assert order.redo_count == 1
    assert order.replied_at is None
    lead = lead_of(order)
    assert lead.status == AssignmentStatus.SIGNED and lead.replied_at is None
    # A new 5-working-day clock from now, by the rule.
    assert lead.reply_clock_start == NEXT_MONDAY
    assert lead.reply_due == order.reply_due == order.next_due == at(2026, 3, 16, 23, 59, 59)
    event = last_event(order)
    assert event.kind == EventKind.REDO
    assert (event.from_status, event.to_status) == (Status.CALLBACK, Status.SIGNED)
    assert event.actor == carl and event.assignment == lead
    assert event.note == "群众反映仍有夜间施工"
    assert event.data["redo_count"] == 1
    assert event.data["reply_due"] == "2026-03-16T23:59:59+08:00"
    assert event.data["department"] == hana.department.name


def test_a_redo_can_set_its_own_deadline(dissatisfied, carl):
    order = order_redo(order=dissatisfied, note="限期整改", due=at(2026, 3, 11, 18), actor=carl)

    lead = lead_of(order)
    assert lead.reply_due == at(2026, 3, 11, 18)
    assert lead.reply_due_fixed is True


def test_a_redo_deadline_in_the_past_is_refused(dissatisfied, carl):
    with refused(ValidationFailed, dissatisfied, match="晚于当前"):
        order_redo(order=dissatisfied, note="限期整改", due=at(2026, 3, 8, 18), actor=carl)


def test_a_redo_needs_a_reason(dissatisfied, carl):
    with refused(ValidationFailed, dissatisfied, match="理由"):
        order_redo(order=dissatisfied, note="", actor=carl)


def test_each_redo_is_counted(dissatisfied, carl, hana):
    order_redo(order=dissatisfied, note="第一次重办", actor=carl)
    assignment_reply(
        assignment=lead_of(dissatisfied),
        content="已再次处理",
        method="visit",
        solved="solved",
        actor=hana,
    )

    order = order_redo(order=dissatisfied, note="第二次重办", actor=carl)

    assert order.redo_count == 2
    assert last_event(order).from_status == Status.REPLIED


def test_an_order_answered_by_the_hotline_has_no_department_to_redo(olivia, carl):
    order = make_order("direct_answer", at=MONDAY, operator=olivia)

    with refused(InvalidTransition, order, match="主办单位"):
        order_redo(order=order, note="不满意", actor=carl)


@pytest.mark.parametrize("state", ["signed", "dispatched", "archived", "rejected"])
def test_only_a_replied_order_can_be_redone(state, carl):
    order = make_order(state, at=MONDAY)

    with refused(InvalidTransition, order, match="不能发回重办"):
        order_redo(order=order, note="重办", actor=carl)


# -- supervision --------------------------------------------------------------------------------


def test_dan_supervises_an_order_in_handling_without_moving_it(dan, hana):
    order = make_order("signed", at=MONDAY, handler=hana)

    supervised = order_supervise(
        order=order, level=Warning.RED, note="超期未办，红牌督办", actor=dan
    )

    assert supervised.status == Status.SIGNED
    assert supervised.supervision == Warning.RED
    assert supervised.redo_count == 0
    event = last_event(order)
    assert event.kind == EventKind.SUPERVISED
    assert event.from_status == event.to_status == Status.SIGNED
    assert event.actor == dan
    assert event.data["level"] == Warning.RED


def test_supervising_from_callback_reopens_the_order(dissatisfied, dan):
    order = order_supervise(order=dissatisfied, level=Warning.YELLOW, note="督办", actor=dan)

    assert order.status == Status.SIGNED
    assert order.supervision == Warning.YELLOW
    assert order.redo_count == 1
    assert lead_of(order).status == AssignmentStatus.SIGNED
    assert order.reply_due == at(2026, 3, 16, 23, 59, 59)
    event = last_event(order)
    assert (event.from_status, event.to_status) == (Status.CALLBACK, Status.SIGNED)


@pytest.mark.parametrize("level", ["none", "purple"])
def test_supervision_is_yellow_or_red(dissatisfied, dan, level):
    with refused(ValidationFailed, dissatisfied, match="黄色或红色"):
        order_supervise(order=dissatisfied, level=level, note="督办", actor=dan)


def test_supervision_needs_an_opinion(dissatisfied, dan):
    with refused(ValidationFailed, dissatisfied, match="督办意见"):
        order_supervise(order=dissatisfied, level=Warning.RED, note=" ", actor=dan)


@pytest.mark.parametrize("state", ["archived", "rejected", "escalated", "merged"])
def test_a_closed_order_cannot_be_supervised(state, dan):
    order = make_order(state, at=MONDAY)

    with refused(InvalidTransition, order, match="不能督办"):
        order_supervise(order=order, level=Warning.RED, note="督办", actor=dan)


def test_a_draft_cannot_be_supervised(dan):
    draft = make_order("draft")

    with refused(InvalidTransition, draft, match="不能督办"):
        order_supervise(order=draft, level=Warning.RED, note="尽快办理", actor=dan)


def test_an_order_never_dispatched_cannot_be_supervised(dan):
    # 督办 presses the department that holds the order; an accepted order has none yet.
    order = make_order("accepted", at=MONDAY)

    with refused(InvalidTransition, order, match="不能督办"):
        order_supervise(order=order, level=Warning.RED, note="尽快办理", actor=dan)


def test_an_order_back_with_the_dispatcher_after_a_return_cannot_be_supervised(dan, hana):
    order = make_order("returned", at=MONDAY, handler=hana)
    return_accept(request=ReturnRequest.objects.get(assignment__order=order), actor=dan)
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED

    with refused(InvalidTransition, order, match="不能督办"):
        order_supervise(order=order, level=Warning.YELLOW, note="尽快改派", actor=dan)


@pytest.mark.parametrize("state", ["dispatched", "returned", "signed", "replied", "callback"])
def test_an_order_a_department_holds_can_be_supervised(state, dan, hana):
    order = make_order(state, at=MONDAY, handler=hana)

    assert order_supervise(order=order, level=Warning.RED, note="督办", actor=dan).supervision == (
        Warning.RED
    )
