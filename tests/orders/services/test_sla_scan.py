"""The SLA scan: yellow one working day before the earliest open deadline, red once it has
passed; each mark is a ``warning`` event; running it again changes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from minyi.core import clock
from minyi.orders.models import EventKind, OrderEvent, SlaScanState, Status, Warning, WorkOrder
from minyi.orders.services import sla
from minyi.orders.services.sla import WINDOW_MARGIN, sla_scan
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

    master = merged.master  # still waiting for dispatch: overdue, and marked
    result = sla_scan(now=at(2026, 6, 1, 9))

    assert (result.yellow, result.red) == (0, 1)
    assert {warning_of(o) for o in (archived, escalated, merged)} == {Warning.NONE}
    assert warning_of(master) == Warning.RED
    assert OrderEvent.objects.filter(kind=EventKind.WARNING).exclude(order=master).count() == 0


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


# -- time windows: only the deadlines that passed since the previous scan ---------------------


def last_scan_at():
    return SlaScanState.objects.values_list("last_scan_at", flat=True).get()


def set_last_scan(moment) -> None:
    SlaScanState.objects.update_or_create(pk=sla.STATE_ID, defaults={"last_scan_at": moment})


def set_deadline(order, next_due, warn_at=None, warning=Warning.NONE) -> None:
    """Put the order's row in a given state by hand, as a late commit would leave it."""
    WorkOrder.objects.filter(pk=order.pk).update(
        next_due=next_due, warn_at=warn_at or next_due - timedelta(days=1), warning=warning
    )


def test_the_scan_records_its_moment(signed):
    sla_scan(now=at(2026, 3, 5, 9))

    assert last_scan_at() == at(2026, 3, 5, 9)


def test_the_first_scan_without_state_sweeps_every_past_deadline(signed):
    assert not SlaScanState.objects.exists()

    result = sla_scan(now=at(2026, 6, 1, 9))  # the deadline passed months ago

    assert (result.yellow, result.red) == (0, 1)
    assert warning_of(signed) == Warning.RED


def test_a_deadline_that_passed_within_the_window_is_marked(signed):
    set_last_scan(at(2026, 3, 9, 23, 55))

    result = sla_scan(now=at(2026, 3, 10, 0, 5))

    assert (result.yellow, result.red) == (0, 1)
    assert warning_of(signed) == Warning.RED
    [event] = events(signed, EventKind.WARNING)
    assert event.data == {"from": Warning.NONE, "to": Warning.RED}


def test_a_warn_at_that_passed_within_the_window_turns_yellow(signed):
    set_last_scan(at(2026, 3, 6, 23, 55))

    result = sla_scan(now=at(2026, 3, 7, 0, 5))

    assert (result.yellow, result.red) == (1, 0)
    assert warning_of(signed) == Warning.YELLOW


def test_an_order_red_before_the_window_is_not_touched(signed, hana):
    sla_scan(now=at(2026, 3, 10, 9))  # red since the night before
    assert warning_of(signed) == Warning.RED
    later = make_order("signed", at=at(2026, 3, 9, 10), handler=hana)  # due 16 March
    before = OrderEvent.objects.filter(kind=EventKind.WARNING).count()

    result = sla_scan(now=at(2026, 3, 17, 0, 5))  # the next scan, a week on

    assert (result.yellow, result.red) == (0, 1)
    assert warning_of(later) == Warning.RED
    assert warning_of(signed) == Warning.RED
    assert OrderEvent.objects.filter(kind=EventKind.WARNING).count() == before + 1
    assert events(signed, EventKind.WARNING)[-1].at == at(2026, 3, 10, 9)


def test_a_deadline_before_the_window_is_left_to_a_full_sweep(signed):
    # a row out of line with the invariant (as only a hand edit could leave it): the windowed
    # scan does not look that far back, --full does
    set_last_scan(at(2026, 3, 20, 9))

    assert (sla_scan(now=at(2026, 3, 20, 9, 10)).red, warning_of(signed)) == (0, Warning.NONE)
    assert sla_scan(now=at(2026, 3, 20, 9, 20), full=True).red == 1
    assert warning_of(signed) == Warning.RED
    assert last_scan_at() == at(2026, 3, 20, 9, 20)


def test_the_margin_catches_an_order_committed_after_the_previous_scan(signed):
    previous = at(2026, 3, 20, 9)
    set_last_scan(previous)
    # an action that computed the warning before the previous scan and committed after it
    set_deadline(signed, previous - WINDOW_MARGIN + timedelta(minutes=1))

    result = sla_scan(now=previous + timedelta(minutes=10))

    assert (result.yellow, result.red) == (0, 1)
    assert warning_of(signed) == Warning.RED


def test_a_deadline_just_outside_the_margin_is_not_scanned(signed):
    previous = at(2026, 3, 20, 9)
    set_last_scan(previous)
    set_deadline(signed, previous - WINDOW_MARGIN - timedelta(seconds=1))

    assert sla_scan(now=previous + timedelta(minutes=10)).red == 0
    assert warning_of(signed) == Warning.NONE


def test_a_scan_for_a_moment_before_the_state_sweeps_everything(signed):
    set_last_scan(at(2026, 6, 1, 9))

    assert sla_scan(now=at(2026, 3, 12, 9)).red == 1
    assert last_scan_at() == at(2026, 3, 12, 9)


def test_two_windowed_scans_in_a_row_mark_nothing_the_second_time(signed):
    set_last_scan(at(2026, 3, 9, 23, 55))
    assert sla_scan(now=at(2026, 3, 10, 0, 5)).red == 1
    before = OrderEvent.objects.count()

    result = sla_scan(now=at(2026, 3, 10, 0, 5))

    assert (result.yellow, result.red) == (0, 0)
    assert OrderEvent.objects.count() == before


def test_the_state_advances_only_when_the_scan_succeeds(signed, monkeypatch):
    set_last_scan(at(2026, 3, 9, 23, 55))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(sla, "_mark", broken)
    monkeypatch.setattr(sla, "_mark_in_one_statement", broken)
    with pytest.raises(RuntimeError):
        sla_scan(now=at(2026, 3, 10, 0, 5))

    assert last_scan_at() == at(2026, 3, 9, 23, 55)
    assert warning_of(signed) == Warning.NONE
    monkeypatch.undo()
    assert sla_scan(now=at(2026, 3, 10, 0, 5)).red == 1


def test_the_management_command_sweeps_everything_with_full(signed):
    set_last_scan(at(2026, 3, 20, 9))
    set_deadline(signed, at(2026, 3, 11, 9))
    out = StringIO()
    with clock.frozen(at(2026, 3, 20, 9, 10)):
        call_command("sla_scan", stdout=out)
        assert out.getvalue().startswith("yellow=0 red=0")
        call_command("sla_scan", "--full", stdout=out)

    assert out.getvalue().splitlines()[-1].startswith("yellow=0 red=1")
    assert warning_of(signed) == Warning.RED


# -- what the scan writes per mark, at scale (issue 13) ------------------------------------------


def test_the_events_carry_no_single_column_index_beside_the_composite_ones():
    # each index is one more entry per event: the scan writes a tenth of the open orders' events
    # at midnight, and event_order_at / event_actor_at already lead with these columns
    from django.db import connection

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, OrderEvent._meta.db_table)
    single = {tuple(c["columns"]) for c in found.values() if c["index"] and not c["unique"]}

    assert ("order_id",) not in single and ("actor_id",) not in single
    assert {("order_id", "at"), ("actor_id", "at")} <= {
        tuple(c["columns"]) for c in found.values() if c["index"]
    }


def test_the_scan_claims_its_rows_without_blocking_a_new_event_of_theirs(signed):
    # FOR NO KEY UPDATE: an action inserting an event (a foreign key's KEY SHARE lock) on an order
    # being marked does not wait for the batch
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        sla_scan(now=at(2026, 3, 10, 9))

    claims = [q["sql"] for q in queries if "SKIP LOCKED" in q["sql"]]
    if connection.vendor == "postgresql":
        assert claims and all("FOR NO KEY UPDATE SKIP LOCKED" in sql for sql in claims)
    assert warning_of(signed) == Warning.RED
