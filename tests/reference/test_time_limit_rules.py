"""The time-limit rules are data (DESIGN §3): each stage's clock may start only where it can."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from minyi.reference.limits import dispatch_limit_for, limits_for_order
from minyi.reference.models import ClockStart, LimitStage, LimitUnit, TimeLimitRule
from tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "stage, clock_start",
    [
        (LimitStage.DISPATCH, ClockStart.DISPATCH),
        (LimitStage.SIGN, ClockStart.SIGN),
        (LimitStage.RETURN, ClockStart.ACCEPT),
        (LimitStage.HANDLE, ClockStart.ACCEPT),
    ],
)
def test_a_rule_whose_clock_cannot_start_there_is_refused_in_chinese(stage, clock_start):
    rule = TimeLimitRule(
        stage=stage, amount=1, unit=LimitUnit.WORKING_DAYS, clock_start=clock_start
    )

    with pytest.raises(ValidationError, match="起算点与环节不符"):
        rule.full_clean()


def test_the_default_dispatch_rule_is_two_working_hours_from_acceptance():
    [rule] = TimeLimitRule.objects.filter(stage=LimitStage.DISPATCH)

    assert (rule.amount, rule.unit, rule.clock_start) == (2, "working_hours", ClockStart.ACCEPT)
    assert str(rule) == "派单（默认）：2工作小时"
    assert dispatch_limit_for(make_order()).as_dict() == {
        "amount": 2,
        "unit": "working_hours",
        "clock_start": "accept",
    }


def test_an_assignment_keeps_only_the_departments_limits():
    assert set(limits_for_order(make_order())) == {"sign", "return", "handle"}
