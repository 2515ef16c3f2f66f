"""A mandate ends (term over, resignation): it no longer identifies its deputy."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.deputies.models import Mandate, RegistryChange
from minyi.deputies.services import mandate_end
from tests.factories import MONDAY, DeputyFactory, MandateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_seats(db):
    deputy = DeputyFactory(name="张三", mandate=None)
    return deputy, MandateFactory(deputy=deputy), MandateFactory(deputy=deputy)


def test_an_ended_mandate_is_no_longer_active_but_the_deputy_with_another_seat_is(two_seats, ada):
    deputy, first, second = two_seats

    with clock.frozen(MONDAY):
        mandate_end(mandate=first, ended_on=date(2026, 3, 1), reason="resigned", actor=ada)

    first.refresh_from_db()
    deputy.refresh_from_db()
    assert (first.ended_on, first.end_reason, first.is_active) == (
        date(2026, 3, 1),
        "resigned",
        False,
    )
    assert list(Mandate.objects.active().filter(deputy=deputy)) == [second]
    assert deputy.is_active
    change = RegistryChange.objects.get(kind="mandate_end")
    assert change.actor == ada and "辞职" in change.summary


def test_ending_the_last_active_mandate_makes_the_deputy_inactive(two_seats):
    deputy, first, second = two_seats

    with clock.frozen(MONDAY):
        mandate_end(mandate=first, ended_on=date(2026, 3, 1), reason="term_over")
        mandate_end(mandate=second, ended_on=date(2026, 3, 2), reason="term_over")

    deputy.refresh_from_db()
    assert not deputy.is_active
    assert "标记为无效" in RegistryChange.objects.order_by("id").last().summary


def test_a_mandate_cannot_end_twice(two_seats):
    _, first, _ = two_seats
    with clock.frozen(MONDAY):
        mandate_end(mandate=first, ended_on=date(2026, 3, 1), reason="resigned")

        with pytest.raises(InvalidTransition, match="已于 2026-03-01 终止"):
            mandate_end(mandate=first, ended_on=date(2026, 3, 2), reason="other")

    assert RegistryChange.objects.count() == 1


@pytest.mark.parametrize(
    "ended_on, reason, message",
    [
        (date(2026, 3, 3), "resigned", "不能晚于今天"),
        (date(2026, 3, 1), "fired", "未知的终止原因"),
        (date(2020, 1, 1), "resigned", "不能早于任期开始日期"),
    ],
)
def test_a_bad_date_or_reason_is_refused_and_nothing_changes(two_seats, ended_on, reason, message):
    _, first, _ = two_seats
    first.started_on = date(2021, 12, 28)
    first.save()

    with clock.frozen(MONDAY), pytest.raises(ValidationFailed, match=message):
        mandate_end(mandate=first, ended_on=ended_on, reason=reason)

    first.refresh_from_db()
    assert first.ended_on is None and not RegistryChange.objects.exists()
