"""Where the handling clock starts (DESIGN §3): at dispatch, when the department receives the
order (常德 "接收代表工单后5个工作日内办结", 衡阳 退件 "自收到转办工单之日起"), unless the rule chooses
sign-for; a refused return keeps the original clock (驳回重办 "应在原办理时限内完成")."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.services.dispatch import assignment_sign, return_refuse
from minyi.reference.models import ClockStart, TimeLimitRule
from tests.factories import MONDAY, at, lead_of, make_order
from tests.orders.services.test_return import ask_return

pytestmark = pytest.mark.django_db

WEDNESDAY = at(2026, 3, 4, 9)


def start_handling_at(clock_start: str) -> None:
    TimeLimitRule.objects.filter(stage="handle").update(clock_start=clock_start)


def test_an_urgent_order_is_due_one_working_day_after_dispatch_whenever_it_is_signed(hana):
    order = make_order("dispatched", at=MONDAY, request_type_code="urgent", lead=hana.department)
    assert lead_of(order).reply_due == at(2026, 3, 3, 23, 59, 59)

    with clock.frozen(at(2026, 3, 3, 9)):  # signed the next morning, within 24 working hours
        lead = assignment_sign(assignment=lead_of(order), actor=hana)

    assert lead.reply_clock_start == MONDAY
    assert lead.reply_due == at(2026, 3, 3, 23, 59, 59)  # not Wednesday night


def test_the_seeded_rules_start_every_handling_clock_at_dispatch():
    assert set(
        TimeLimitRule.objects.filter(stage="handle").values_list("clock_start", flat=True)
    ) == {ClockStart.DISPATCH}


def test_a_rule_may_start_the_handling_clock_at_sign_for(hana):
    start_handling_at(ClockStart.SIGN)
    order = make_order("dispatched", at=MONDAY, lead=hana.department)
    assert lead_of(order).reply_due is None

    with clock.frozen(at(2026, 3, 3, 9)):
        lead = assignment_sign(assignment=lead_of(order), actor=hana)

    assert lead.reply_clock_start == at(2026, 3, 3, 9)
    assert lead.reply_due == at(2026, 3, 10, 23, 59, 59)


@pytest.mark.parametrize("clock_start", [ClockStart.DISPATCH, ClockStart.SIGN])
def test_a_return_refused_after_an_unsigned_return_keeps_the_original_clock(clock_start, hana, dan):
    start_handling_at(clock_start)
    order = make_order("dispatched", at=MONDAY, lead=hana.department, dispatcher=dan)
    with clock.frozen(MONDAY):
        request = ask_return(order, lead_of(order), actor=hana)  # returned without signing
    with clock.frozen(at(2026, 3, 3, 16)):
        order = return_refuse(request=request, note="属于本单位职责，请继续办理", actor=dan)

    # The department received the order on Monday: 5 working days from then.
    original = at(2026, 3, 9, 23, 59, 59)
    assert lead_of(order).reply_due == order.reply_due == original
    with clock.frozen(WEDNESDAY):
        lead = assignment_sign(assignment=lead_of(order), actor=hana)
    assert lead.reply_clock_start == MONDAY
    assert lead.reply_due == original
