"""When an order turns yellow: one working day before its deadline, or at half time for a limit
of a day or less — and every change of warning is a ledger row."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.models import EventKind, Warning
from minyi.orders.services.dispatch import assignment_sign
from minyi.orders.services.sla import sla_scan
from tests.factories import at, events, lead_of, make_order

pytestmark = pytest.mark.django_db

MONDAY_9 = at(2026, 3, 2, 9)  # an ordinary working Monday


def test_a_freshly_dispatched_order_is_not_yellow(dan, hana):
    order = make_order("dispatched", at=MONDAY_9, dispatcher=dan, handler=hana)

    assert order.sign_due == at(2026, 3, 3, 9)  # 24 working hours
    assert order.warning == Warning.NONE
    assert order.warn_at == at(2026, 3, 2, 21)  # half of the 24 hours


def test_the_sign_for_deadline_turns_yellow_at_half_time(dan, hana):
    order = make_order("dispatched", at=MONDAY_9, dispatcher=dan, handler=hana)

    assert sla_scan(now=at(2026, 3, 2, 20, 59)).yellow == 0
    assert sla_scan(now=at(2026, 3, 2, 21, 0)).yellow == 1
    order.refresh_from_db()
    assert order.warning == Warning.YELLOW


def test_a_five_day_deadline_turns_yellow_one_working_day_before(dan, hana):
    order = make_order("signed", at=MONDAY_9, dispatcher=dan, handler=hana)
    assert order.reply_due == at(2026, 3, 9, 23, 59, 59)

    # 24 working hours before Monday's end: the weekend does not count, so from Friday's end
    assert order.warn_at == at(2026, 3, 6, 23, 59, 59)


def test_an_action_that_changes_the_warning_writes_a_warning_row(dan, hana):
    order = make_order("dispatched", at=MONDAY_9, dispatcher=dan, handler=hana)
    late = at(2026, 3, 3, 10)  # the sign-for deadline passed an hour ago
    sla_scan(now=late)

    with clock.frozen(late):
        assignment_sign(assignment=lead_of(order), actor=hana)

    order.refresh_from_db()
    assert order.warning == Warning.NONE  # five working days to handle it now
    rows = events(order, EventKind.WARNING)
    assert [(e.data["from"], e.data["to"]) for e in rows] == [
        (Warning.NONE, Warning.RED),
        (Warning.RED, Warning.NONE),
    ]
    assert rows[-1].data["cause"] == EventKind.SIGNED
    assert rows[-1].actor == hana
