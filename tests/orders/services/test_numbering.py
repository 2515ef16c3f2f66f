"""Human order numbers: ``12345-YYYYMMDD-000001``, counted per Beijing day."""

from __future__ import annotations

import re
from datetime import UTC, date

import pytest

from minyi.core import clock
from minyi.orders.services.numbering import order_number_next
from tests.factories import at, make_order

pytestmark = pytest.mark.django_db


def test_an_order_number_is_the_hotline_the_date_and_a_six_digit_sequence():
    with clock.frozen(at(2026, 11, 22, 9)):
        order = make_order("draft")

    assert re.fullmatch(r"12345-\d{8}-\d{6}", order.number)
    assert order.number == "12345-20261122-000001"


def test_numbers_increase_within_a_day():
    with clock.frozen(at(2026, 11, 22, 9)):
        numbers = [make_order("draft").number for _ in range(3)]

    assert numbers == [
        "12345-20261122-000001",
        "12345-20261122-000002",
        "12345-20261122-000003",
    ]


def test_numbers_restart_the_next_day():
    with clock.frozen(at(2026, 11, 22, 23, 59)):
        make_order("draft")
        make_order("draft")
    with clock.frozen(at(2026, 11, 23, 0, 1)):
        next_day = make_order("draft")

    assert next_day.number == "12345-20261123-000001"


def test_the_day_is_the_beijing_date_not_the_utc_date():
    from datetime import datetime

    # 2026-11-22T16:30Z is already 00:30 on 11/23 in Beijing.
    with clock.frozen(datetime(2026, 11, 22, 16, 30, tzinfo=UTC)):
        order = make_order("draft")

    assert order.number == "12345-20261123-000001"


def test_the_days_are_counted_separately():
    assert order_number_next(day=date(2026, 1, 5)) == "12345-20260105-000001"
    assert order_number_next(day=date(2026, 1, 6)) == "12345-20260106-000001"
    assert order_number_next(day=date(2026, 1, 5)) == "12345-20260105-000002"


def test_the_prefix_is_a_setting(settings):
    settings.MINYI = {**settings.MINYI, "ORDER_NUMBER_PREFIX": "0731"}

    assert order_number_next(day=date(2026, 1, 5)) == "0731-20260105-000001"
