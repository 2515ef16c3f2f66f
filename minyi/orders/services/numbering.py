from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection

from minyi.core import timefmt
from minyi.core.sql import column, table
from minyi.orders.models import DailyCounter


def _counter_sql() -> str:
    counter, key, value = (
        table(DailyCounter),
        column(DailyCounter, "day"),
        column(DailyCounter, "last"),
    )
    # The existing row's table is named in SET: PostgreSQL and SQLite (>= 3.35, for RETURNING)
    # both accept this spelling.
    return (
        f"INSERT INTO {counter} ({key}, {value}) VALUES (%s, 1) "
        f"ON CONFLICT ({key}) DO UPDATE SET {value} = {counter}.{value} + 1 RETURNING {value}"
    )


def order_number_next(*, day: date) -> str:
    """The next human order number of ``day``: ``12345-20261122-000123``.

    One statement: the day's counter row is inserted at 1 or, when it exists, incremented in
    place, and the new value returned. The increment takes the row lock until the surrounding
    transaction ends, so two operators never get the same number (the second waits for the
    first to commit, then increments the committed value; tests/orders/test_concurrency.py).
    """
    with connection.cursor() as cursor:
        cursor.execute(_counter_sql(), [connection.ops.adapt_datefield_value(day)])
        (last,) = cursor.fetchone()
    prefix = settings.MINYI["ORDER_NUMBER_PREFIX"]
    return f"{prefix}-{timefmt.compact_day(day)}-{last:06d}"
