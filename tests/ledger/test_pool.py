"""Which orders the statistics count: a merged duplicate is one matter with its master, and
the evaluation pool leaves out what was not accepted (DESIGN §6)."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.ledger import stats
from minyi.ledger.stats import Period, Policy
from minyi.orders.models import Satisfaction
from minyi.orders.services.closing import order_merge
from tests.factories import at, make_order

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(date(2026, 11, 1))


def november_counts(**policy) -> dict:
    rows = stats.rows_for(NOVEMBER, channels=None)
    return stats.flat(stats.figures(rows, policy=Policy(minimum_sample=1, **policy)))


def test_a_duplicate_merged_into_its_master_is_counted_once():
    master = make_order("archived", at=at(2026, 11, 3, 9))
    duplicate = make_order("accepted", at=at(2026, 11, 3, 10))
    order_merge(order=duplicate, master=master, note="同一事项")

    figures = november_counts()

    assert figures["registered"] == 2 and figures["merged"] == 1
    assert figures["orders"] == 1 and figures["accepted"] == 1 and figures["closed"] == 1
    assert figures["rated"] == 1 and figures["satisfaction_rate"] == 1.0


def test_a_rejected_order_is_registered_but_neither_accepted_nor_closed_nor_rated():
    make_order("rejected", at=at(2026, 11, 3, 9))
    make_order("archived", at=at(2026, 11, 4, 9))

    figures = november_counts()

    assert figures["orders"] == 2 and figures["rejected"] == 1 and figures["closed"] == 1
    assert figures["pool"] == 1 and figures["dispatched"] == 1 and figures["rated"] == 1


def test_orders_of_another_month_are_not_counted():
    make_order("archived", at=at(2026, 10, 31, 23))  # 23:00 Beijing on 31 October
    make_order("archived", at=at(2026, 12, 1, 0, 30))

    assert november_counts()["registered"] == 0


def test_a_rate_below_the_minimum_sample_is_null_with_no_interval():
    for day in range(9):
        make_order("archived", at=at(2026, 11, 2 + day, 9))
    rows = stats.rows_for(NOVEMBER, channels=None)

    nine = stats.figures(rows, policy=Policy(minimum_sample=10))["rates"]["satisfaction_rate"]
    assert nine == {"value": None, "n": 9, "numerator": 9, "interval": None}

    make_order("archived", at=at(2026, 11, 20, 9))
    ten = stats.figures(rows, policy=Policy(minimum_sample=10))["rates"]["satisfaction_rate"]
    assert ten["value"] == 1.0 and ten["n"] == 10
    low, high = ten["interval"]
    assert round(low, 4) == 0.7225 and high == 1.0


def test_basically_satisfied_counts_with_the_weight_the_administrator_sets():
    from minyi.orders.models import WorkOrder
    from minyi.orders.services.closing import order_archive, order_callback

    for day in range(2):
        make_order("archived", at=at(2026, 11, 2 + day, 9))
    replied = make_order("replied", at=at(2026, 11, 5, 9))
    order_callback(order=replied, satisfaction=Satisfaction.BASICALLY, solved=True)
    order_archive(order=WorkOrder.objects.get(pk=replied.pk))

    assert november_counts()["satisfaction_rate"] == 1.0
    assert round(november_counts(basically_weight=0.5)["satisfaction_rate"], 4) == round(2.5 / 3, 4)
