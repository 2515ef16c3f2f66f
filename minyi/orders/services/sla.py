"""The SLA scan: yellow one working day before the earliest open deadline, red after it.

Claims rows with ``SELECT … FOR UPDATE SKIP LOCKED`` in batches, so two scanners (or a scan
and a user action) never write the same warning twice; running it again changes nothing.

Three passes, each a range of one index: yellow → red and none → red on ``(warning, next_due)``,
then none → yellow on ``(warning, warn_at)``, earliest first. On PostgreSQL a batch is one
statement (claim, update and the ledger rows), so no row travels through Python: the scan just
after midnight marks everything due the day before and everything due that day, over a tenth of
the open orders (bench/README.md). Other databases claim the ids, update them and insert the
events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from minyi.core import clock
from minyi.orders.models import EventKind, OrderEvent, Warning, WorkOrder

BATCH = 5000


@dataclass
class ScanResult:
    yellow: int = 0
    red: int = 0

    def __str__(self) -> str:
        return f"黄色预警 {self.yellow} 件，红色超期 {self.red} 件"


def _claim(queryset, limit: int, *fields: str):
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return queryset.values_list(*fields)[:limit]


def _mark(queryset, limit: int, before: str, level: str, now: datetime) -> int:
    rows = list(_claim(queryset, limit, "id", "status"))
    if not rows:
        return 0
    ids = [pk for pk, _ in rows]
    WorkOrder.objects.filter(id__in=ids).update(warning=level, updated_at=now)
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(
                order_id=pk,
                kind=EventKind.WARNING,
                at=now,
                from_status=status,
                to_status=status,
                data={"from": before, "to": level},
            )
            for pk, status in rows
        ],
        batch_size=BATCH,
    )
    return len(ids)


def _mark_in_one_statement(queryset, limit: int, before: str, level: str, now: datetime) -> int:
    """PostgreSQL: the claimed rows get the new warning and one ``warning`` event each, in a
    single statement. The claim re-checks its condition on the row it locks, so ``before`` is
    the warning each row had."""
    claim_sql, claim_params = _claim(queryset, limit, "id").query.sql_with_params()
    order, event = WorkOrder._meta, OrderEvent._meta
    q = connection.ops.quote_name

    def col(meta, name: str) -> str:
        return q(meta.get_field(name).column)

    event_fields = ("order", "kind", "at", "from_status", "to_status", "note", "data")
    sql = (
        f"WITH marked AS ("
        f"UPDATE {q(order.db_table)} SET {col(order, 'warning')} = %s, "
        f"{col(order, 'updated_at')} = %s WHERE {col(order, 'id')} = ANY(ARRAY({claim_sql})) "
        f"RETURNING {col(order, 'id')}, {col(order, 'status')}) "
        f"INSERT INTO {q(event.db_table)} ({', '.join(col(event, f) for f in event_fields)}) "
        f"SELECT {col(order, 'id')}, %s, %s, {col(order, 'status')}, {col(order, 'status')}, '', "
        f"%s::jsonb FROM marked"
    )
    data = json.dumps({"from": before, "to": level})
    with connection.cursor() as cursor:
        cursor.execute(sql, (level, now, *claim_params, EventKind.WARNING, now, data))
        return cursor.rowcount


def sla_scan(*, now: datetime | None = None, batch: int = BATCH) -> ScanResult:
    now = now or clock.now()
    result = ScanResult()
    orders = WorkOrder.objects
    passes = [
        (Warning.YELLOW, Warning.RED, orders.filter(warning=Warning.YELLOW, next_due__lt=now)),
        (Warning.NONE, Warning.RED, orders.filter(warning=Warning.NONE, next_due__lt=now)),
        (
            Warning.NONE,
            Warning.YELLOW,
            orders.filter(warning=Warning.NONE, warn_at__lte=now, next_due__gte=now),
        ),
    ]
    mark = _mark_in_one_statement if connection.vendor == "postgresql" else _mark
    for before, level, queryset in passes:
        # earliest first, so an interrupted scan has marked the longest overdue
        queryset = queryset.order_by("next_due" if level == Warning.RED else "warn_at")
        while True:
            with transaction.atomic():
                marked = mark(queryset, batch, before, level, now)
            if level == Warning.RED:
                result.red += marked
            else:
                result.yellow += marked
            if marked < batch:
                break
    return result
