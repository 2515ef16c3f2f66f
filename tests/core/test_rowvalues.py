"""minyi.core.rowvalues: a keyset's ``(col, id) > (%s, %s)`` as one row value, on SQLite and
PostgreSQL alike, with each value converted by its own column."""

from __future__ import annotations

import pytest

from minyi.core import rowvalues
from minyi.orders.models import WorkOrder
from tests.factories import MONDAY, make_order

pytestmark = pytest.mark.django_db


def test_the_rows_after_a_key_are_those_after_it_in_column_then_id_order():
    orders = [make_order("accepted", at=MONDAY) for _ in range(4)]  # one created_at for all
    key = (orders[1].created_at, orders[1].pk)
    after = WorkOrder.objects.filter(rowvalues.after(("created_at", "id"), key))
    before = WorkOrder.objects.filter(rowvalues.before(("created_at", "id"), key))
    assert sorted(o.pk for o in after) == [orders[2].pk, orders[3].pk]
    assert [o.pk for o in before] == [orders[0].pk]


def test_the_comparison_is_one_row_value_not_an_or_of_columns():
    sql = str(WorkOrder.objects.filter(rowvalues.after(("next_due", "id"), (MONDAY, 7))).query)
    table = '"orders_workorder"'
    assert f'({table}."next_due", {table}."id") > (' in sql
    assert " OR " not in sql


def test_a_comparison_needs_as_many_values_as_columns_and_a_known_operator():
    with pytest.raises(ValueError):
        rowvalues.RowCompare(("next_due", "id"), ">", (MONDAY,))
    with pytest.raises(ValueError):
        rowvalues.RowCompare(("next_due", "id"), "=", (MONDAY, 1))
