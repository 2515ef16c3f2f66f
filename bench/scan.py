"""Figure 3: the SLA scan at the midnight peak, its second run, the command, the 3% case, and a
``--full`` sweep."""

from __future__ import annotations

import io
import re
import time

from bench.data import PREVIOUS_SCAN, SCAN_NOW
from bench.db import sql_exec, sql_scalar, vacuum_analyze

# what the scan writes (and the bench's restore rewrites), vacuumed before each measured scan
TABLES = ("orders_workorder", "orders_orderevent", "ledger_ledgerrow")


def reset_scan() -> int:
    """Undo the scans run at SCAN_NOW: restore the warnings the bench set by hand (the 3% case),
    then each order's warning and its ledger row's 曾超期 from its scan event, then drop those
    events (bench data only; the application never deletes ledger rows), and set the scan state
    back to the previous scan (PREVIOUS_SCAN, which the loaded warnings reflect), so the next
    measured scan looks at the same time windows as a scan ten minutes after the last one.
    Returns the number of orders restored."""
    from django.db import transaction

    from minyi.orders.models import SlaScanState
    from minyi.orders.services.sla import STATE_ID

    with transaction.atomic():
        restored = 0
        if sql_scalar("SELECT to_regclass('bench_premarked') IS NOT NULL"):
            restored += sql_exec(
                "UPDATE orders_workorder w SET warning = p.warning FROM bench_premarked p "
                "WHERE p.id = w.id"
            )
            sql_exec("DROP TABLE bench_premarked")
        restored += sql_exec(
            "UPDATE orders_workorder w SET warning = e.data->>'from' FROM orders_orderevent e "
            "WHERE e.kind = 'warning' AND e.at = %s AND e.order_id = w.id",
            [SCAN_NOW],
        )
        # the ledger rows' 曾超期 as before the scan: set only by an earlier red warning event
        sql_exec(
            "UPDATE ledger_ledgerrow l SET went_red = false FROM orders_orderevent e "
            "WHERE e.kind = 'warning' AND e.at = %s AND e.data->>'to' = 'red' "
            f"AND e.order_id = l.order_id AND l.went_red AND NOT ({EARLIER_RED})",
            [SCAN_NOW, SCAN_NOW],
        )
        sql_exec(
            "DELETE FROM notify_outboxmessage WHERE event_id IN (SELECT id FROM orders_orderevent "
            "WHERE kind = 'warning' AND at = %s)",
            [SCAN_NOW],
        )
        sql_exec("DELETE FROM orders_orderevent WHERE kind = 'warning' AND at = %s", [SCAN_NOW])
        SlaScanState.objects.update_or_create(pk=STATE_ID, defaults={"last_scan_at": PREVIOUS_SCAN})
    return restored


# an earlier red warning event of the ledger row's order (what its 曾超期 is folded from)
EARLIER_RED = (
    "EXISTS (SELECT 1 FROM orders_orderevent p WHERE p.order_id = l.order_id "
    "AND p.kind = 'warning' AND p.data->>'to' = 'red' AND p.at < %s)"
)


def restore_went_red() -> int:
    """Once per run: 曾超期 back to what the loaded events say wherever it differs (a run of the
    bench before the scan's restore covered the ledger left it set on the orders it marked, and
    a scan that finds it set writes nothing there). Returns the number of rows corrected."""
    return sql_exec(
        f"UPDATE ledger_ledgerrow l SET went_red = false WHERE l.went_red AND NOT ({EARLIER_RED})",
        [SCAN_NOW],
    )


# the orders the scan at SCAN_NOW must change, and the level each one gets
DUE_FOR_CHANGE = """
    SELECT id, warning, CASE WHEN next_due < %(now)s THEN 'red' ELSE 'yellow' END AS level
    FROM orders_workorder
    WHERE (warning IN ('none', 'yellow') AND next_due < %(now)s)
       OR (warning = 'none' AND warn_at <= %(now)s AND next_due >= %(now)s)
"""


def premark(keep: int) -> int:
    """The brief's ~3% case on the same table: give all but ``keep`` of the orders that the
    scan would change their new warning by hand (remembering the old one), so the scan finds
    only ``keep`` to mark. Returns how many were set by hand."""
    from django.db import transaction

    with transaction.atomic():
        sql_exec("CREATE TABLE bench_premarked (id bigint PRIMARY KEY, warning varchar(8))")
        sql_exec(
            f"INSERT INTO bench_premarked (id, warning) SELECT id, warning FROM ("
            f"SELECT id, warning, row_number() OVER (ORDER BY md5(id::text)) AS rn "
            f"FROM ({DUE_FOR_CHANGE}) due) ranked WHERE rn > %(keep)s",
            {"now": SCAN_NOW, "keep": keep},
        )
        return sql_exec(
            "UPDATE orders_workorder w SET warning = CASE WHEN w.next_due < %s THEN 'red' "
            "ELSE 'yellow' END FROM bench_premarked p WHERE p.id = w.id",
            [SCAN_NOW],
        )


def expected_marks() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FILTER (WHERE level = 'yellow'), "
            f"count(*) FILTER (WHERE level = 'red') FROM ({DUE_FOR_CHANGE}) due",
            {"now": SCAN_NOW},
        )
        return tuple(cur.fetchone())


def explain_scan() -> None:
    from django.db import connection, transaction

    from minyi.orders.services import sla

    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(capture):
        sla.sla_scan(now=SCAN_NOW)
        transaction.set_rollback(True)
    seen = set()
    print(
        "  EXPLAIN (ANALYZE, BUFFERS, WAL) of the scan's first statement of each kind (rolled back;"
        " constraints checked at once, so their triggers' times show):"
    )
    for sql, params in captured:
        key = re.sub(r"\d+", "N", sql)
        if key in seen or sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            continue
        seen.add(key)
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, WAL) " + sql, params)
                # the claimed ids are one array parameter: shown as {…}, not 10,000 numbers
                lines = (re.sub(r"'\{[\d,]{80,}\}'", "'{…}'", r[0]) for r in cur.fetchall())
                plan = "\n      ".join(lines)
            transaction.set_rollback(True)
        print(f"    {sql[:300]}{'…' if len(sql) > 300 else ''}\n      {plan}")


def timed_scan(label: str, *, full: bool = False) -> tuple[int, int, float]:
    from minyi.orders.services.sla import sla_scan

    t = time.perf_counter()
    result = sla_scan(now=SCAN_NOW, full=full)
    seconds = time.perf_counter() - t
    print(
        f"  {label}: yellow {result.yellow:,}  red {result.red:,}  in {seconds:.3f} s", flush=True
    )
    return result.yellow, result.red, seconds


def scan_figures(explain: bool, share: float) -> dict:
    from django.core.management import call_command

    from bench.report import loadavg
    from minyi.core import clock

    out = {"load": loadavg()}  # quiet or busy: the peak's target depends on it
    restored = reset_scan()
    if restored:
        print(f"  restored {restored:,} warnings left by an earlier run")
    corrected = restore_went_red()
    if corrected:
        print(f"  restored 曾超期 on {corrected:,} ledger rows left by an earlier run")
    out["vacuum"] = vacuum_analyze(*TABLES)
    out["open"] = sql_scalar(
        "SELECT count(*) FROM orders_workorder WHERE status NOT IN "
        "('rejected', 'archived', 'escalated', 'merged')"
    )
    out["expected"] = expected_marks()
    exp_yellow, exp_red = out["expected"]
    print(
        f"  {out['open']:,} open orders; due for a change at {SCAN_NOW:%Y-%m-%d %H:%M}: "
        f"yellow {exp_yellow:,}, red {exp_red:,} "
        f"({(exp_yellow + exp_red) / max(out['open'], 1):.1%}, the midnight peak)",
        flush=True,
    )
    if explain:
        explain_scan()
    out["peak"] = timed_scan("midnight peak, 1st run")
    out["second"] = timed_scan("midnight peak, 2nd run")

    reset_scan()
    vacuum_analyze(*TABLES)
    buffer = io.StringIO()
    t = time.perf_counter()
    with clock.frozen(SCAN_NOW):
        call_command("sla_scan", stdout=buffer)
    out["command"] = (buffer.getvalue().strip(), time.perf_counter() - t)
    print(f"  manage.py sla_scan (in-process, clock frozen): {out['command'][0]}")
    print(f"    in {out['command'][1]:.3f} s", flush=True)

    reset_scan()
    vacuum_analyze(*TABLES)
    out["full"] = timed_scan("midnight peak, --full sweep (no time window)", full=True)

    reset_scan()
    keep = round(share * out["open"])
    premark(keep)
    vacuum_analyze(*TABLES)
    out["share_expected"] = expected_marks()
    out["share"] = timed_scan(f"{share:.0%} of the open orders due for a change, 1st run")
    out["share_second"] = timed_scan(f"{share:.0%} case, 2nd run")
    reset_scan()  # leave the database as loaded
    vacuum_analyze(*TABLES)
    return out
