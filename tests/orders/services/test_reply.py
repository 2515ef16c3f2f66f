"""Replies (答复): the lead's reply closes the department's work; an unsolved matter needs a
plan and its timetable (告知代表下一步工作安排和完成时限)."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import AssignmentStatus, EventKind, Reply, ReplyMethod, Solved, Status
from minyi.orders.services.dispatch import assignment_sign
from minyi.orders.services.handling import assignment_reply
from tests.factories import MONDAY, assisting_of, at, last_event, lead_of, make_order, refused

pytestmark = pytest.mark.django_db

THURSDAY = at(2026, 3, 5, 16)


@pytest.fixture
def signed(dan, hana, henry):
    return make_order(
        "signed",
        at=MONDAY,
        dispatcher=dan,
        handler=hana,
        lead=hana.department,
        assisting=[henry.department],
    )


def reply(assignment, *, actor, when=THURSDAY, **kwargs):
    kwargs.setdefault("content", "已约谈施工单位，夜间停止施工。")
    kwargs.setdefault("method", ReplyMethod.PHONE)
    kwargs.setdefault("solved", Solved.SOLVED)
    with clock.frozen(when):
        return assignment_reply(assignment=assignment, actor=actor, **kwargs)


def test_hana_replies_and_the_order_waits_for_callback(signed, hana):
    answer = reply(lead_of(signed), actor=hana)

    assert (answer.author, answer.at, answer.solved) == (hana, THURSDAY, Solved.SOLVED)
    lead = lead_of(signed)
    assert lead.status == AssignmentStatus.REPLIED and lead.replied_at == THURSDAY
    signed.refresh_from_db()
    assert signed.status == Status.REPLIED
    assert signed.replied_at == THURSDAY
    # The department's clocks have stopped.
    assert (signed.next_due, signed.reply_due, signed.warn_at) == (None, None, None)
    event = last_event(signed)
    assert event.kind == EventKind.REPLIED
    assert (event.from_status, event.to_status) == (Status.SIGNED, Status.REPLIED)
    assert event.actor == hana and event.assignment == lead
    assert event.data["on_time"] is True
    assert event.data["solved"] == Solved.SOLVED


def test_a_reply_after_the_deadline_is_recorded_as_late(signed, hana):
    reply(lead_of(signed), actor=hana, when=at(2026, 3, 10, 9))

    assert last_event(signed).data["on_time"] is False


@pytest.mark.parametrize(
    "missing", [{"plan": ""}, {"plan_due": None}, {"plan": "  ", "plan_due": date(2026, 4, 1)}]
)
def test_a_matter_not_yet_solved_needs_a_plan_and_its_date(signed, hana, missing):
    kwargs = {"plan": "4月底前完成围挡整改", "plan_due": date(2026, 4, 30), **missing}

    with refused(ValidationFailed, signed, match="下一步措施"):
        reply(lead_of(signed), actor=hana, solved=Solved.PARTLY, **kwargs)


def test_a_partial_solution_with_a_plan_is_accepted(signed, hana):
    answer = reply(
        lead_of(signed),
        actor=hana,
        solved=Solved.NOT_YET,
        plan="4月底前完成围挡整改",
        plan_due=date(2026, 4, 30),
    )

    assert (answer.plan, answer.plan_due) == ("4月底前完成围挡整改", date(2026, 4, 30))
    signed.refresh_from_db()
    assert signed.status == Status.REPLIED


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"content": " "}, "答复内容"),
        ({"method": "telepathy"}, "答复方式"),
        ({"solved": "maybe"}, "解决情况"),
    ],
)
def test_an_incomplete_reply_is_refused(signed, hana, bad, message):
    with refused(ValidationFailed, signed, match=message):
        reply(lead_of(signed), actor=hana, **bad)

    assert not Reply.objects.exists()


def test_an_assisting_reply_does_not_move_the_order(signed, henry):
    [assisting] = assisting_of(signed)
    with clock.frozen(MONDAY):
        assignment_sign(assignment=assisting, actor=henry)

    reply(assisting, actor=henry, content="住建局已配合核查施工许可。")

    signed.refresh_from_db()
    assert signed.status == Status.SIGNED
    assert signed.replied_at is None
    assisting.refresh_from_db()
    assert assisting.status == AssignmentStatus.REPLIED
    event = last_event(signed)
    assert event.kind == EventKind.REPLIED and event.assignment == assisting
    assert event.from_status == event.to_status == Status.SIGNED


def test_a_part_must_be_signed_for_before_it_replies(signed, henry):
    [assisting] = assisting_of(signed)  # still pending

    with refused(InvalidTransition, signed, match="签收"):
        reply(assisting, actor=henry)


def test_a_reply_cannot_be_given_twice(signed, hana):
    reply(lead_of(signed), actor=hana)

    with refused(InvalidTransition, signed, match="不能答复"):
        reply(lead_of(signed), actor=hana)


@pytest.mark.parametrize("state", ["returned", "callback", "archived"])
def test_an_order_not_being_handled_cannot_be_replied_to(state, hana):
    order = make_order(state, at=MONDAY, handler=hana)

    with refused(InvalidTransition, order):
        reply(lead_of(order), actor=hana)
