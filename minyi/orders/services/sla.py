"""The SLA scan: yellow one working day before the earliest open deadline, red after it.

Claims rows with ``SELECT … FOR UPDATE SKIP LOCKED`` in batches, so two scanners (or a scan
and a user action) never write the same warning twice; running it again changes nothing.
"""

from __future__ import annotations

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


def _claim(queryset, limit: int):
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset.order_by().values_list("id", "warning", "status")[:limit])


def _mark(level: str, rows, now: datetime) -> int:
    if not rows:
        return 0
    ids = [r[0] for r in rows]
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
            for pk, before, status in rows
        ],
        batch_size=BATCH,
    )
    return len(ids)


def sla_scan(*, now: datetime | None = None, batch: int = BATCH) -> ScanResult:
    now = now or clock.now()
    result = ScanResult()
    overdue = WorkOrder.objects.filter(warning__in=[Warning.NONE, Warning.YELLOW], next_due__lt=now)
    nearing = WorkOrder.objects.filter(warning=Warning.NONE, warn_at__lte=now, next_due__gte=now)
    for level, queryset in ((Warning.RED, overdue), (Warning.YELLOW, nearing)):
        while True:
            with transaction.atomic():
                rows = _claim(queryset, batch)
                marked = _mark(level, rows, now)
            if level == Warning.RED:
                result.red += marked
            else:
                result.yellow += marked
            if len(rows) < batch:
                break
    return result
