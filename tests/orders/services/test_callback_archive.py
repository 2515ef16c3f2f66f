"""Carl calls the requester back (回访) and archives (归档) the order."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import (
    AssignmentStatus,
    Callback,
    EventKind,
    ReplyMethod,
    Satisfaction,
    Solved,
    Status,
)
from minyi.orders.services.closing import order_archive, order_callback, order_redo
from minyi.orders.services.handling import assignment_reply
from tests.factories import (
    MONDAY,
    assisting_of,
    at,
    events,
    last_event,
    lead_of,
    make_order,
    refused,
)

pytestmark = pytest.mark.django_db

FRIDAY = at(2026, 3, 6, 15)


@pytest.fixture(autouse=True)
def _friday():
    with clock.frozen(FRIDAY):
        yield


@pytest.fixture
def replied(hana):
    return make_order("replied", at=MONDAY, handler=hana)


# -- callback -----------------------------------------------------------------------------------


def test_carl_records_a_satisfied_requester(replied, carl):
    callback = order_callback(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=True, note="很满意", actor=carl
    )

    assert (callback.agent, callback.at, callback.solved) == (carl, FRIDAY, True)
    replied.refresh_from_db()
    assert replied.status == Status.CALLBACK
    assert replied.satisfaction == Satisfaction.SATISFIED
    assert replied.solved_confirmed is True
    event = last_event(replied)
    assert event.kind == EventKind.CALLED_BACK
    assert (event.from_status, event.to_status) == (Status.REPLIED, Status.CALLBACK)
    assert event.actor == carl
    assert event.data["satisfaction"] == Satisfaction.SATISFIED


def test_an_unreachable_requester_keeps_the_order_in_callback(replied, carl):
    order_callback(order=replied, satisfaction=Satisfaction.UNREACHABLE, actor=carl)
    order_callback(order=replied, satisfaction=Satisfaction.UNREACHABLE, actor=carl)

    replied.refresh_from_db()
    assert replied.status == Status.CALLBACK
    assert replied.satisfaction == ""  # no answer yet
    assert replied.solved_confirmed is None
    assert Callback.objects.filter(order=replied).count() == 2
    second = last_event(replied)
    assert second.from_status == second.to_status == Status.CALLBACK


def test_a_reached_requester_must_say_whether_it_is_solved(replied, carl):
    with refused(ValidationFailed, replied, match="是否已解决"):
        order_callback(order=replied, satisfaction=Satisfaction.BASICALLY, actor=carl)


def test_an_unknown_satisfaction_is_refused(replied, carl):
    with refused(ValidationFailed, replied, match="满意度"):
        order_callback(order=replied, satisfaction="thrilled", solved=True, actor=carl)


@pytest.mark.parametrize("state", ["draft", "accepted", "dispatched", "signed", "archived"])
def test_only_a_replied_order_can_be_called_back(state, carl):
    order = make_order(state, at=MONDAY)

    with refused(InvalidTransition, order, match="不能回访"):
        order_callback(order=order, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)


# -- archive ------------------------------------------------------------------------------------


def test_carl_archives_after_a_satisfied_callback(replied, carl):
    order_callback(order=replied, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)

    archived = order_archive(order=replied, actor=carl)

    assert archived.status == Status.ARCHIVED
    assert archived.closed_at == FRIDAY
    event = last_event(replied)
    assert event.kind == EventKind.ARCHIVED
    assert (event.from_status, event.to_status) == (Status.CALLBACK, Status.ARCHIVED)
    assert event.actor == carl
    assert event.data["satisfaction"] == Satisfaction.SATISFIED


def test_an_order_that_was_never_called_back_cannot_be_archived(olivia, carl):
    # A direct answer goes straight to callback without a department.
    order = make_order("direct_answer", at=MONDAY, operator=olivia)
    assert order.status == Status.CALLBACK

    with refused(InvalidTransition, order, match="尚未回访"):
        order_archive(order=order, actor=carl)


def test_a_direct_answer_is_archived_after_its_callback(olivia, carl):
    order = make_order("direct_answer", at=MONDAY, operator=olivia)
    order_callback(order=order, satisfaction=Satisfaction.BASICALLY, solved=True, actor=carl)

    assert order_archive(order=order, actor=carl).status == Status.ARCHIVED
    assert [e.kind for e in events(order)][-3:] == [
        EventKind.DIRECT_ANSWER,
        EventKind.CALLED_BACK,
        EventKind.ARCHIVED,
    ]


def test_a_dissatisfied_callback_cannot_be_archived(replied, carl):
    # 衡阳 第四步: "满意的，则审结归档；不满意的，则发回重办或转入督办程序" — not even with a note.
    order_callback(order=replied, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=carl)

    for note in ("", "诉求超出政策范围，已解释"):
        with refused(InvalidTransition, replied, match="发回重办或转督办"):
            order_archive(order=replied, note=note, actor=carl)


def test_a_dissatisfied_callback_is_not_called_again_to_change_its_rating(replied, carl):
    order_callback(order=replied, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=carl)

    with refused(InvalidTransition, replied, match="发回重办或转督办"):
        order_callback(order=replied, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)


def test_after_a_redo_the_new_reply_is_called_back_and_archived(replied, carl, hana):
    order_callback(order=replied, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=carl)
    order_redo(order=replied, note="仍未解决", actor=carl)
    assignment_reply(
        assignment=lead_of(replied),
        content="已重新处理。",
        method=ReplyMethod.PHONE,
        solved=Solved.SOLVED,
        actor=hana,
    )

    order_callback(order=replied, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)
    assert order_archive(order=replied, actor=carl).status == Status.ARCHIVED


@pytest.mark.parametrize("state", ["replied", "signed", "archived", "rejected"])
def test_only_an_order_in_callback_can_be_archived(state, carl):
    order = make_order(state, at=MONDAY)

    with refused(InvalidTransition, order, match="不能归档"):
        order_archive(order=order, actor=carl)


def test_an_order_nobody_answered_can_be_archived_only_after_three_attempts(carl, dan, hana):
    order = make_order("replied", dispatcher=dan, handler=hana)
    order_callback(order=order, satisfaction=Satisfaction.UNREACHABLE, actor=carl)
    order_callback(order=order, satisfaction=Satisfaction.UNREACHABLE, actor=carl)

    with refused(InvalidTransition, order, match="尝试满 3 次"):
        order_archive(order=order, actor=carl)

    order_callback(order=order, satisfaction=Satisfaction.UNREACHABLE, actor=carl)
    archived = order_archive(order=order, note="三次回访均未接通", actor=carl)
    assert archived.status == Status.ARCHIVED


def test_archiving_ends_an_assisting_part_that_never_replied(carl, dan, hana, dept_b):
    order = make_order("replied", dispatcher=dan, handler=hana, assisting=[dept_b])
    order_callback(order=order, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)

    order_archive(order=order, actor=carl)

    assert [a.status for a in assisting_of(order)] == [AssignmentStatus.CANCELLED]
    assert last_event(order).data["cancelled_assignments"] == 1
