"""Which time limit applies (DESIGN §3), where its clock starts, and the deadlines an order
shows: the earliest open one (``next_due``), its yellow mark and the provisional flag."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import ValidationFailed
from minyi.orders.models import Assignment, Status, Warning, WorkOrder
from minyi.orders.services.dispatch import assignment_sign, order_dispatch
from minyi.reference.models import ClockStart, Complexity, TimeLimitRule, Urgency
from tests.factories import MONDAY, assisting_of, at, lead_of, make_order, refused

pytestmark = pytest.mark.django_db

TUESDAY = at(2026, 3, 3, 9)


def signed_on_tuesday(*, request_type_code="complain", **fields):
    """Dispatched Monday 10:00, signed Tuesday 09:00 (the handling clock started on Monday)."""
    order = make_order("dispatched", at=MONDAY, request_type_code=request_type_code, **fields)
    with clock.frozen(TUESDAY):
        assignment_sign(assignment=lead_of(order))
    order = WorkOrder.objects.get(pk=order.pk)
    return lead_of(order), order


@pytest.mark.parametrize(
    "code, fields, due",
    [
        ("complain", {}, at(2026, 3, 9, 23, 59, 59)),  # 5 working days
        ("help", {}, at(2026, 3, 9, 23, 59, 59)),
        ("report", {}, at(2026, 3, 9, 23, 59, 59)),
        ("consult", {}, at(2026, 3, 5, 23, 59, 59)),  # 3 working days
        ("urgent", {}, at(2026, 3, 3, 23, 59, 59)),  # 1 working day
        ("complain", {"urgency": Urgency.URGENT}, at(2026, 3, 3, 23, 59, 59)),
        ("complain", {"complexity": Complexity.COMPLEX}, at(2026, 3, 16, 23, 59, 59)),  # 10
        ("consult", {"complexity": Complexity.COMPLEX}, at(2026, 3, 16, 23, 59, 59)),
        (
            "complain",
            {"urgency": Urgency.URGENT, "complexity": Complexity.COMPLEX},
            at(2026, 3, 3, 23, 59, 59),  # urgent wins over complex
        ),
    ],
)
def test_the_handling_limit_follows_the_type_urgency_and_complexity(code, fields, due):
    lead, order = signed_on_tuesday(request_type_code=code, **fields)

    assert lead.reply_clock_start == MONDAY
    assert lead.reply_due == due
    assert order.reply_due == order.next_due == due


def test_the_handling_clock_starts_at_dispatch_by_default():
    order = make_order("dispatched", at=MONDAY)
    lead = lead_of(order)

    assert lead.reply_clock_start == MONDAY
    assert lead.reply_due == order.reply_due == at(2026, 3, 9, 23, 59, 59)
    assert order.next_due == order.sign_due == at(2026, 3, 3, 10)

    with clock.frozen(TUESDAY):
        assignment_sign(assignment=lead)
    lead.refresh_from_db()
    assert lead.reply_due == at(2026, 3, 9, 23, 59, 59)  # signing does not restart it


def test_a_rule_changed_to_start_at_sign_for_waits_for_the_signature():
    TimeLimitRule.objects.filter(
        stage="handle", request_type=None, urgency="", complexity=""
    ).update(clock_start=ClockStart.SIGN)

    order = make_order("dispatched", at=MONDAY)
    assert lead_of(order).reply_due is None
    assert order.reply_due is None
    assert order.next_due == order.sign_due == at(2026, 3, 3, 10)

    with clock.frozen(TUESDAY):
        lead = assignment_sign(assignment=lead_of(order))
    assert lead.reply_clock_start == TUESDAY
    assert lead.reply_due == at(2026, 3, 10, 23, 59, 59)


def test_a_rule_edited_after_dispatch_does_not_change_the_order(dan):
    order = make_order("dispatched", at=MONDAY)
    TimeLimitRule.objects.filter(
        stage="handle", request_type=None, urgency="", complexity=""
    ).update(amount=20)

    with clock.frozen(TUESDAY):
        assignment_sign(assignment=lead_of(order))

    # The limits in force at dispatch are kept with the assignment.
    assert lead_of(order).reply_due == at(2026, 3, 9, 23, 59, 59)


def test_without_an_applicable_rule_the_dispatch_is_refused(dan, dept_a):
    TimeLimitRule.objects.filter(stage="handle").delete()
    order = make_order("accepted", at=MONDAY)

    with clock.frozen(MONDAY), refused(ValidationFailed, order, match="办结答复"):
        order_dispatch(order=order, lead=dept_a, actor=dan)

    assert not Assignment.objects.exists()


def test_next_due_is_the_earliest_open_deadline_of_all_parts(dept_a, dept_b):
    order = make_order("dispatched", at=MONDAY, lead=dept_a, assisting=[dept_b])
    with clock.frozen(TUESDAY):
        assignment_sign(assignment=lead_of(order))
    order.refresh_from_db()

    # The assisting part has not signed: its sign deadline (Tuesday 10:00) comes first.
    assert order.status == Status.SIGNED
    assert order.sign_due == order.next_due == at(2026, 3, 3, 10)
    assert order.reply_due == at(2026, 3, 9, 23, 59, 59)

    with clock.frozen(at(2026, 3, 3, 9, 30)):
        assignment_sign(assignment=assisting_of(order)[0])
    order.refresh_from_db()
    assert order.sign_due is None
    # Both parts run on 5 working days from their dispatch on Monday.
    assert order.next_due == at(2026, 3, 9, 23, 59, 59)


def test_the_yellow_mark_is_set_one_working_day_before_next_due():
    _, order = signed_on_tuesday()

    assert order.next_due == at(2026, 3, 9, 23, 59, 59)
    assert order.warn_at == at(2026, 3, 6, 23, 59, 59)  # the weekend is not working time
    assert order.warning == Warning.NONE


def test_a_deadline_crossing_into_a_provisional_year_marks_the_order(dan, hana):
    order = make_order("dispatched", at=at(2026, 12, 25, 10), dispatcher=dan, handler=hana)
    lead = lead_of(order)

    assert lead.sign_due == at(2026, 12, 28, 10)  # in 2026
    assert lead.sign_due_provisional is False
    assert lead.reply_due == at(2027, 1, 4, 23, 59, 59)
    assert lead.reply_due_provisional is True
    assert order.deadline_provisional is True


def test_a_replied_order_shows_no_running_deadline(hana):
    order = make_order("replied", at=MONDAY, handler=hana)

    assert (order.sign_due, order.return_due, order.reply_due, order.next_due) == (
        None,
        None,
        None,
        None,
    )
    assert (order.warn_at, order.deadline_provisional) == (None, False)
