"""The SLA scan: yellow one working day before the earliest open deadline, red after it.

Claims rows with ``SELECT … FOR UPDATE SKIP LOCKED`` in batches, so two scanners (or a scan
and a user action) never write the same warning twice; running it again changes nothing.

**Time windows.** No index holds ``warning`` (so that the scan's update is a HOT update, see
``WorkOrder.Meta.indexes``); instead of every past-due order the scan looks only at the
deadlines that passed since the previous completed scan (``SlaScanState.last_scan_at``), less a
safety margin: none/yellow → red on ``next_due`` in ``[since, now)``, then none → yellow on
``warn_at`` in ``[since, now]`` with ``next_due >= now``. That is enough because the scan is not
the only writer of the warning: every service that changes an order's deadlines recomputes its
warning for its own moment. ``next_due`` and ``warn_at`` are written only by
``deadlines.order_sync_deadlines``, which ends with ``warning_level(order, clock.now())``; its
callers are ``common.transition`` (every order action) and ``deadlines_recompute_for_dates``
(calendar edits), and both save the warning with the deadlines. So once a scan at ``T`` has
completed, every order committed before it carries at least the warning it had at ``T``, and
only the deadlines that pass after ``T`` can change anything. The margin covers the one gap: a
transaction that computed an order's warning at ``t < T`` but committed after the scan at ``T``
read the table (or held the row locked, so the scan skipped it); its order misses the crossings
in ``(t, T]`` and the next scan must still look there. With no state yet (the first scan), with
``full=True`` (``manage.py sla_scan --full``), or when the state is later than ``now`` (a scan for
an earlier moment), the scan sweeps every past-due deadline. The state advances only after all
passes have succeeded.

On PostgreSQL the two passes run in parallel on two connections (``PARALLEL``). Each pass
first lists its candidates and then claims them by primary key in batches, re-checking the
condition on the locked row (``FOR NO KEY UPDATE SKIP LOCKED``: an action that only inserts an
event for an order being marked does not wait). On PostgreSQL the candidates come in the
table's physical order (``ctid``), so a batch's orders share their pages, and their ledger rows
and events' index entries lie close together too: the scan just after midnight marks everything
due the day before and everything due that day, over a tenth of the open orders
(bench/README.md), and in deadline order each batch touched a page per order anywhere in the
table, more than the server's cache holds at 1,000,000 orders. All batches commit before the
state advances, so an interrupted scan is simply run again; the order only decided which marks
landed first. A batch is one statement there (claim, update, the ``warning`` events and the
ledger rows' 曾超期, set only where not yet set). Other databases list the candidates earliest
deadline first, claim the rows, update them and insert the events.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from minyi.core import clock, metrics
from minyi.orders.models import EventKind, OrderEvent, SlaScanState, Warning, WorkOrder

# Rows per transaction: a user action on an order being marked waits for at most one batch
# (about 0.25 s at 10,000 on the bench machine; 20,000 or 30,000 were not measurably faster).
BATCH = 10_000
# SQLite has no ANY(array); its claims go through ``id IN (…)`` in pieces this small.
SQLITE_PIECE = 500
# How far before the previous scan the next one looks again: longer than any transaction that
# computes an order's warning (a user action) can take between computing it and committing, so
# an order it committed just after the previous scan had read the table is not missed.
WINDOW_MARGIN = timedelta(minutes=15)
STATE_ID = 1
# PostgreSQL: the red and the yellow pass run at once, the yellow one on a second connection in a
# thread (their rows are disjoint: red needs ``next_due < now``, yellow ``next_due >= now``). Not
# inside a caller's transaction, whose uncommitted rows the second connection could not see.
PARALLEL = True
# PostgreSQL: the batches commit without waiting for their WAL to reach the disk; the state row
# is written last with a normal commit, which flushes all the WAL before it, so the state never
# advances past a batch a crash could lose (such a batch, warning and events together, is simply
# marked again by the next scan). Measured: about 0.3 s of the midnight peak at 1M orders.
ASYNC_COMMIT = True


@dataclass
class ScanResult:
    yellow: int = 0
    red: int = 0

    def __str__(self) -> str:
        return f"黄色预警 {self.yellow} 件，红色超期 {self.red} 件"


@dataclass
class _Pass:
    level: str
    condition: Q  # re-checked on each claimed row
    window: Q  # narrows the candidates only
    order_by: str  # the candidates' order where the table has no physical address (SQLite)


def _passes(now: datetime, since: datetime | None) -> list[_Pass]:
    red = _Pass(
        Warning.RED,
        Q(warning__in=[Warning.NONE, Warning.YELLOW], next_due__lt=now),
        Q(next_due__gte=since) if since else Q(),
        "next_due",
    )
    yellow = _Pass(
        Warning.YELLOW,
        Q(warning=Warning.NONE, warn_at__lte=now, next_due__gte=now),
        Q(warn_at__gte=since) if since else Q(),
        "warn_at",
    )
    return [red, yellow]


def _mark(ids: list[int], condition: Q, level: str, now: datetime) -> int:
    rows = []
    for start in range(0, len(ids), SQLITE_PIECE):
        claim = WorkOrder.objects.filter(condition, id__in=ids[start : start + SQLITE_PIECE])
        if connection.features.has_select_for_update_skip_locked:
            claim = claim.select_for_update(skip_locked=True, no_key=True)
        rows += claim.values_list("id", "status", "warning")
    if not rows:
        return 0
    for start in range(0, len(rows), SQLITE_PIECE):
        piece = [pk for pk, _, _ in rows[start : start + SQLITE_PIECE]]
        WorkOrder.objects.filter(id__in=piece).update(warning=level, updated_at=now)
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
            for pk, status, before in rows
        ],
        batch_size=SQLITE_PIECE,
    )
    if level == Warning.RED:
        from minyi.ledger.facts import rows_mark_red  # the ledger row's 曾超期 (facts.py)

        rows_mark_red(pk for pk, _, _ in rows)
    return len(rows)


def _mark_in_one_statement(ids: list[int], condition: Q, level: str, now: datetime) -> int:
    """PostgreSQL: the claimed rows get the new warning and one ``warning`` event each, in a
    single statement. The claim re-checks its condition on the row it locks, so the warning it
    reads is the one the row had."""
    claim = (
        WorkOrder.objects.filter(condition)
        .select_for_update(skip_locked=True, no_key=True)
        .order_by()
        .annotate(tid=RawSQL("ctid", ()))
        .values_list("id", "warning", "tid")
    )
    claim_sql, claim_params = claim.query.sql_with_params()
    order, event = WorkOrder._meta, OrderEvent._meta
    q = connection.ops.quote_name

    def col(meta, name: str) -> str:
        return q(meta.get_field(name).column)

    table, pk, warning = q(order.db_table), col(order, "id"), col(order, "warning")
    # the ids go in as one array parameter, ANDed onto the claim's own WHERE
    claim_sql = claim_sql.replace(" WHERE ", f" WHERE {table}.{pk} = ANY(%s) AND ", 1)
    event_fields = ("order", "kind", "at", "from_status", "to_status", "note", "data")
    # the ledger rows of the orders turned red get 曾超期 in the same statement (ledger/facts.py)
    from minyi.ledger.models import LedgerRow

    ledger = LedgerRow._meta
    ledger_table, ledger_order = q(ledger.db_table), col(ledger, "order")
    sql = (
        f"WITH claimed AS ({claim_sql}), "
        f"marked AS (UPDATE {table} SET {warning} = %s, {col(order, 'updated_at')} = %s "
        # the locked row version's own address (a TID scan, no second index descent): nothing
        # can move the row between the lock and this update, which is the same statement
        f"FROM claimed WHERE {table}.ctid = claimed.tid AND {table}.{pk} = claimed.{pk} "
        f"RETURNING {table}.{pk}, {table}.{col(order, 'status')} AS status, "
        f"claimed.{warning} AS before), "
        f"reddened AS (UPDATE {ledger_table} SET {col(ledger, 'went_red')} = true "
        f"FROM marked WHERE {ledger_table}.{ledger_order} = marked.{pk} "
        f"AND NOT {ledger_table}.{col(ledger, 'went_red')} AND %s = %s) "
        f"INSERT INTO {q(event.db_table)} ({', '.join(col(event, f) for f in event_fields)}) "
        f"SELECT {pk}, %s, %s, status, status, '', "
        f"jsonb_build_object('from', before, 'to', %s::text) FROM marked"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            (
                list(ids),
                *claim_params,
                level,
                now,
                level,
                Warning.RED,
                EventKind.WARNING,
                now,
                level,
            ),
        )
        return cursor.rowcount


def _since(now: datetime, full: bool) -> datetime | None:
    """Where this scan's windows start, or ``None`` for a sweep of every past deadline."""
    if full:
        return None
    last = SlaScanState.objects.filter(pk=STATE_ID).values_list("last_scan_at", flat=True).first()
    if last is None or last > now:
        return None
    return last - WINDOW_MARGIN


def _run_pass(scan_pass: _Pass, now: datetime, batch: int, own: bool) -> int:
    """Mark one pass's rows; ``own``: PostgreSQL, and no transaction of the caller's is open."""
    mark = _mark_in_one_statement if connection.vendor == "postgresql" else _mark
    candidates = WorkOrder.objects.filter(scan_pass.condition, scan_pass.window)
    if connection.vendor == "postgresql":
        # physical order: a batch reads and writes neighbouring pages (the module's docstring)
        candidates = candidates.order_by(RawSQL("ctid", ()))
    else:
        candidates = candidates.order_by(scan_pass.order_by, "id")
    candidates = list(candidates.values_list("id", flat=True))
    marked = 0
    for start in range(0, len(candidates), batch):
        with transaction.atomic():
            if ASYNC_COMMIT and own:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            marked += mark(
                candidates[start : start + batch], scan_pass.condition, scan_pass.level, now
            )
    return marked


def _run_pass_in_thread(scan_pass: _Pass, now: datetime, batch: int) -> int:
    try:
        return _run_pass(scan_pass, now, batch, own=True)
    finally:
        connection.close()  # this thread's own connection


def sla_scan(*, now: datetime | None = None, batch: int = BATCH, full: bool = False) -> ScanResult:
    """Mark what crossed a warning threshold by ``now`` (default: the service clock). ``full``
    checks every past deadline instead of the window since the previous scan. A completed scan
    is observed in ``minyi_sla_scan_duration_seconds`` and its marks counted (``/metrics``)."""
    started = time.perf_counter()
    now = now or clock.now()
    since = _since(now, full)
    red, yellow = _passes(now, since)
    own = connection.vendor == "postgresql" and not connection.in_atomic_block
    if PARALLEL and own:
        with ThreadPoolExecutor(max_workers=1) as pool:
            other = pool.submit(_run_pass_in_thread, yellow, now, batch)
            result = ScanResult(red=_run_pass(red, now, batch, own))
            result.yellow = other.result()
    else:
        result = ScanResult(red=_run_pass(red, now, batch, own))
        result.yellow = _run_pass(yellow, now, batch, own)
    SlaScanState.objects.update_or_create(pk=STATE_ID, defaults={"last_scan_at": now})
    metrics.SLA_SCAN_SECONDS.observe(time.perf_counter() - started)
    metrics.SLA_SCAN_MARKS.labels("yellow").inc(result.yellow)
    metrics.SLA_SCAN_MARKS.labels("red").inc(result.red)
    return result
