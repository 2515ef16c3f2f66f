"""The dispatch clock (受理 → 派单, "第一时间交办", DESIGN §3): 2 working hours from acceptance by
default, per request type as data, yellow at half time and red once passed like every other
deadline; a lead's accepted return puts the order back in the queue on a new clock."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.core.errors import ValidationFailed
from minyi.orders.models import EventKind, Status, Warning, WorkOrder
from minyi.orders.services.dispatch import order_dispatch, return_accept
from minyi.orders.services.sla import sla_scan
from minyi.reference.models import LimitStage, LimitUnit, TimeLimitRule
from minyi.workdays.models import DayKind
from minyi.workdays.services import special_day_save
from tests.factories import (
    MONDAY,
    at,
    events,
    last_event,
    lead_of,
    make_order,
    refused,
    request_type,
)
from tests.orders.services.test_return import ask_return

pytestmark = pytest.mark.django_db


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def test_an_accepted_order_must_be_dispatched_within_two_working_hours():
    order = make_order("accepted", at=MONDAY)

    assert order.dispatch_due == order.next_due == at(2026, 3, 2, 12)
    assert order.warn_at == at(2026, 3, 2, 11)  # yellow at half time
    assert order.warning == Warning.NONE
    assert last_event(order).data["dispatch_due"] == "2026-03-02T12:00:00+08:00"


def test_an_urgent_deputy_order_never_dispatched_turns_yellow_then_red(zhang):
    order = make_order(
        "accepted", at=MONDAY, request_type_code="urgent", channel="deputy_call", deputy=zhang
    )

    sla_scan(now=at(2026, 3, 2, 11, 0, 1))
    assert fresh(order).warning == Warning.YELLOW
    sla_scan(now=at(2026, 3, 2, 12, 0, 1))
    assert fresh(order).warning == Warning.RED
    assert [e.data["to"] for e in events(order, EventKind.WARNING)] == [
        Warning.YELLOW,
        Warning.RED,
    ]


def test_the_dispatch_limit_is_data_per_request_type():
    TimeLimitRule.objects.create(
        stage=LimitStage.DISPATCH,
        request_type=request_type("urgent"),
        amount=1,
        unit=LimitUnit.WORKING_HOURS,
        clock_start="accept",
        priority=10,
    )

    assert make_order("accepted", at=MONDAY, request_type_code="urgent").dispatch_due == at(
        2026, 3, 2, 11
    )
    assert make_order("accepted", at=MONDAY).dispatch_due == at(2026, 3, 2, 12)


def test_the_dispatch_clock_stops_on_rest_days():
    order = make_order("accepted", at=at(2026, 3, 6, 23))  # Friday 23:00

    assert order.dispatch_due == at(2026, 3, 9, 1)  # Monday 01:00


def test_without_a_dispatch_rule_the_acceptance_is_refused(dan):
    TimeLimitRule.objects.filter(stage=LimitStage.DISPATCH).delete()
    order = make_order("draft", at=MONDAY)

    from minyi.orders.services.intake import order_accept

    with clock.frozen(MONDAY), refused(ValidationFailed, order, match="派单"):
        order_accept(order=order, actor=dan)


def test_dispatching_stops_the_dispatch_clock_and_records_whether_it_was_in_time(dan, dept_a):
    on_time = make_order("accepted", at=MONDAY)
    late = make_order("accepted", at=MONDAY)
    with clock.frozen(at(2026, 3, 2, 11, 59)):
        order_dispatch(order=on_time, lead=dept_a, actor=dan)
    with clock.frozen(at(2026, 3, 2, 12, 0, 1)):
        order_dispatch(order=late, lead=dept_a, actor=dan)

    for order, in_time in ((on_time, True), (late, False)):
        order = fresh(order)
        assert order.dispatch_due is None
        assert order.next_due == order.sign_due
        event = last_event(order)
        assert event.kind == EventKind.DISPATCHED
        assert event.data["dispatch_due"] == "2026-03-02T12:00:00+08:00"
        assert event.data["dispatch_on_time"] is in_time


def test_a_red_undispatched_order_is_no_longer_red_once_dispatched(dan, dept_a):
    order = make_order("accepted", at=MONDAY)
    sla_scan(now=at(2026, 3, 2, 13))
    assert fresh(order).warning == Warning.RED

    with clock.frozen(at(2026, 3, 2, 13)):
        order = order_dispatch(order=fresh(order), lead=dept_a, actor=dan)

    assert fresh(order).warning == Warning.NONE


def test_an_accepted_return_starts_a_new_dispatch_clock(dan, hana):
    order = make_order("dispatched", at=MONDAY, lead=hana.department, dispatcher=dan)
    with clock.frozen(MONDAY):
        request = ask_return(order, lead_of(order), actor=hana)
    with clock.frozen(at(2026, 3, 3, 15)):
        order = return_accept(request=request, note="改派", actor=dan)

    assert order.status == Status.ACCEPTED
    assert fresh(order).dispatch_due == fresh(order).next_due == at(2026, 3, 3, 17)


def test_a_calendar_edit_moves_a_running_dispatch_deadline(ada):
    order = make_order("accepted", at=at(2026, 3, 6, 23))  # due Monday 01:00

    with clock.frozen(at(2026, 3, 6, 23, 30)):
        special_day_save(day=date(2026, 3, 7), kind=DayKind.WORKDAY, name="调休", actor=ada)

    assert fresh(order).dispatch_due == at(2026, 3, 7, 1)
    assert events(order, EventKind.DEADLINE_RECOMPUTED)
