"""Hana signs for (签收) her department's part; the lead's signature starts the handling."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.orders.models import AssignmentStatus, EventKind, OrderEvent, Status
from minyi.orders.services.closing import order_archive, order_callback
from minyi.orders.services.dispatch import assignment_sign
from minyi.orders.services.handling import assignment_reply
from tests.factories import MONDAY, assisting_of, at, last_event, lead_of, make_order, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(dan, hana, henry):
    return make_order(
        "dispatched", at=MONDAY, dispatcher=dan, lead=hana.department, assisting=[henry.department]
    )


def test_hana_signs_for_the_lead_part_and_the_order_is_being_handled(dispatched, hana):
    with clock.frozen(at(2026, 3, 2, 14)):
        assignment = assignment_sign(assignment=lead_of(dispatched), actor=hana)

    assert assignment.status == AssignmentStatus.SIGNED
    assert assignment.signed_by == hana and assignment.signed_at == at(2026, 3, 2, 14)
    dispatched.refresh_from_db()
    assert dispatched.status == Status.SIGNED
    event = last_event(dispatched)
    assert event.kind == EventKind.SIGNED
    assert (event.from_status, event.to_status) == (Status.DISPATCHED, Status.SIGNED)
    assert event.actor == hana and event.assignment == assignment
    assert event.data["on_time"] is True
    assert event.data["department"] == hana.department.name


def test_the_handling_clock_started_at_dispatch_runs_on_after_sign_for(dispatched, hana):
    with clock.frozen(at(2026, 3, 2, 14)):
        assignment = assignment_sign(assignment=lead_of(dispatched), actor=hana)

    # A complaint: 5 working days from the dispatch on Monday, the day itself not counted.
    assert assignment.reply_clock_start == MONDAY
    assert assignment.reply_due == at(2026, 3, 9, 23, 59, 59)
    dispatched.refresh_from_db()
    assert dispatched.reply_due == assignment.reply_due
    assert last_event(dispatched).data["reply_due"] == "2026-03-09T23:59:59+08:00"


def test_a_late_signature_is_recorded_as_late(dispatched, hana):
    with clock.frozen(at(2026, 3, 3, 10, 0, 1)):  # one second after the 24 working hours
        assignment_sign(assignment=lead_of(dispatched), actor=hana)

    assert last_event(dispatched).data["on_time"] is False


def test_an_assisting_signature_does_not_move_the_order(dispatched, henry):
    [assisting] = assisting_of(dispatched)

    with clock.frozen(at(2026, 3, 2, 11)):
        assignment_sign(assignment=assisting, actor=henry)

    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assisting.refresh_from_db()
    assert assisting.status == AssignmentStatus.SIGNED
    event = last_event(dispatched)
    assert event.kind == EventKind.SIGNED and event.assignment == assisting
    assert event.from_status == event.to_status == Status.DISPATCHED
    assert event.actor == henry


def test_the_assisting_part_can_sign_after_the_lead(dispatched, hana, henry):
    with clock.frozen(at(2026, 3, 2, 11)):
        assignment_sign(assignment=lead_of(dispatched), actor=hana)
        assignment_sign(assignment=assisting_of(dispatched)[0], actor=henry)

    dispatched.refresh_from_db()
    assert dispatched.status == Status.SIGNED
    assert OrderEvent.objects.filter(order=dispatched, kind=EventKind.SIGNED).count() == 2


def test_signing_twice_is_refused(dispatched, hana):
    with clock.frozen(at(2026, 3, 2, 11)):
        assignment_sign(assignment=lead_of(dispatched), actor=hana)

        with refused(InvalidTransition, dispatched, match="不能重复签收"):
            assignment_sign(assignment=lead_of(dispatched), actor=hana)


def test_signing_for_a_part_of_an_archived_order_is_refused(dispatched, hana, henry, carl):
    # The lead replies and the order is archived while the assisting part never signed;
    # archiving ends that part, and a late signature is refused.
    with clock.frozen(at(2026, 3, 2, 11)):
        lead = assignment_sign(assignment=lead_of(dispatched), actor=hana)
        assignment_reply(
            assignment=lead, content="已处理", method="phone", solved="solved", actor=hana
        )
        order_callback(order=dispatched, satisfaction="satisfied", solved=True, actor=carl)
        order_archive(order=dispatched, actor=carl)
    [assisting] = assisting_of(dispatched)
    assert assisting.status == AssignmentStatus.CANCELLED

    with clock.frozen(at(2026, 3, 2, 12)), refused(InvalidTransition, dispatched, match="已归档"):
        assignment_sign(assignment=assisting, actor=henry)


def test_signing_for_a_part_of_an_escalated_order_is_refused(dispatched, hana, dan):
    from minyi.orders.services.closing import order_escalate

    with clock.frozen(at(2026, 3, 2, 11)):
        order_escalate(order=dispatched, note="转代表建议", actor=dan)

        with refused(InvalidTransition, dispatched):
            assignment_sign(assignment=lead_of(dispatched), actor=hana)
