"""The SLA scan: yellow one working day before the earliest open deadline, red once it has
passed; each mark is a ``warning`` event; running it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from minyi.core import clock
from minyi.orders.models import EventKind, OrderEvent, Status, Warning, WorkOrder
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, at, events, make_order

pytestmark = pytest.mark.django_db

DUE = at(2026, 3, 9, 23, 59, 59)  # 5 working days after Monday's sign-for
WARN_AT = at(2026, 3, 6, 23, 59, 59)  # one working day (24 working hours) before


@pytest.fixture
def signed(hana):
    order = make_order("signed", at=MONDAY, handler=hana)
    assert (order.next_due, order.warn_at, order.warning) == (DUE, WARN_AT, Warning.NONE)
    return order


def warning_of(order) -> str:
    return WorkOrder.objects.values_list("warning", flat=True).get(pk=order.pk)


def test_nothing_is_marked_before_the_last_working_day(signed):
    result = sla_scan(now=at(2026, 3, 6, 23, 59, 58))

    assert (result.yellow, result.red) == (0, 0)
    assert warning_of(signed) == Warning.NONE
    assert events(signed, EventKind.WARNING) == []


def test_an_order_turns_yellow_one_working_day_before_its_deadline(signed):
    # Friday night counts: the weekend is not working time, so Monday is the last working day.
    result = sla_scan(now=WARN_AT)

    assert (result.yellow, result.red) == (1, 0)
    assert warning_of(signed) == Warning.YELLOW
    [event] = events(signed, EventKind.WARNING)
    assert event.data == {"from": Warning.NONE, "to": Warning.YELLOW}
    assert event.from_status == event.to_status == Status.SIGNED
    assert event.at == WARN_AT and event.actor is None


def test_an_order_turns_red_once_its_deadline_has_passed(signed):
    sla_scan(now=at(2026, 3, 7, 9))  # yellow on Saturday
    result = sla_scan(now=at(2026, 3, 10, 0, 0, 0))

    assert (result.yellow, result.red) == (0, 1)
    assert warning_of(signed) == Warning.RED
    assert [e.data for e in events(signed, EventKind.WARNING)] == [
        {"from": Warning.NONE, "to": Warning.YELLOW},
        {"from": Warning.YELLOW, "to": Warning.RED},
    ]


def test_an_order_overdue_at_its_first_scan_goes_straight_to_red(signed):
    sla_scan(now=at(2026, 3, 12, 9))

    assert warning_of(signed) == Warning.RED
    assert [e.data for e in events(signed, EventKind.WARNING)] == [
        {"from": Warning.NONE, "to": Warning.RED}
    ]


def test_the_deadline_second_itself_is_not_yet_red(signed):
    sla_scan(now=DUE)

    assert warning_of(signed) == Warning.YELLOW


def test_a_second_scan_changes_nothing(signed):
    sla_scan(now=at(2026, 3, 7, 9))
    sla_scan(now=at(2026, 3, 10, 9))
    before = OrderEvent.objects.count()

    result = sla_scan(now=at(2026, 3, 10, 9))

    assert (result.yellow, result.red) == (0, 0)
    assert OrderEvent.objects.count() == before


def test_a_closed_order_is_never_marked(hana):
    archived = make_order("archived", at=MONDAY, handler=hana)
    escalated = make_order("escalated", at=MONDAY)
    merged = make_order("merged", at=MONDAY)

    result = sla_scan(now=at(2026, 6, 1, 9))

    assert (result.yellow, result.red) == (0, 0)
    assert {warning_of(o) for o in (archived, escalated, merged)} == {Warning.NONE}
    assert OrderEvent.objects.filter(kind=EventKind.WARNING).count() == 0


def test_an_order_waiting_for_callback_is_not_marked(hana):
    replied = make_order("replied", at=MONDAY, handler=hana)

    sla_scan(now=at(2026, 6, 1, 9))

    assert warning_of(replied) == Warning.NONE


def test_an_unsigned_order_turns_red_after_its_sign_limit(dan):
    order = make_order("dispatched", at=MONDAY, dispatcher=dan)

    sla_scan(now=at(2026, 3, 3, 10, 0, 1))

    assert warning_of(order) == Warning.RED


def test_a_large_backlog_is_worked_through_in_batches(hana):
    orders = [make_order("signed", at=MONDAY, handler=hana) for _ in range(3)]

    result = sla_scan(now=at(2026, 3, 11, 9), batch=1)

    assert result.red == 3
    assert {warning_of(o) for o in orders} == {Warning.RED}
    assert OrderEvent.objects.filter(kind=EventKind.WARNING).count() == 3


def test_the_scan_reads_the_service_clock(signed):
    with clock.frozen(at(2026, 3, 10, 9)):
        result = sla_scan()

    assert result.red == 1


def test_the_management_command_reports_the_counts(signed):
    out = StringIO()
    with clock.frozen(at(2026, 3, 10, 9)):
        call_command("sla_scan", stdout=out)

    assert out.getvalue().startswith("yellow=0 red=1")
    assert warning_of(signed) == Warning.RED
