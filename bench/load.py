"""Figure 2: loading N open orders by COPY, in chunks committed one by one (resumable)."""

from __future__ import annotations

import json
import math
import multiprocessing
import time
from datetime import UTC, datetime

from bench.data import NUMBER_PREFIX, Fixtures, connections_close_for_fork
from bench.db import sql_exec, sql_scalar, vacuum_analyze
from bench.generate import Generator, LoadStats

CHUNK = 50_000
CHUNK_TIMEOUT = 900  # seconds one chunk may take before the load fails loudly


def bench_order_count() -> int:
    return sql_scalar(
        "SELECT count(*) FROM orders_workorder WHERE number LIKE %s", [NUMBER_PREFIX + "%"]
    )


def truncate_orders() -> None:
    from django.apps import apps

    tables = [m._meta.db_table for m in apps.get_app_config("orders").get_models()]
    sql_exec(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def reset_sequences() -> None:
    for table in ("orders_workorder", "orders_assignment", "orders_orderevent"):
        sql_exec(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def chunk_sizes(n: int) -> dict[int, int]:
    return {k: min(CHUNK, n - k * CHUNK) for k in range(math.ceil(n / CHUNK))}


def loaded_chunks(n: int) -> dict[int, int] | None:
    """Chunk number -> orders present. ``None`` when the table does not look like a (partial)
    load of ``n`` orders: a chunk commits whole, so every present chunk must be complete."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (id - 1) / %s, count(*) FROM orders_workorder WHERE number LIKE %s GROUP BY 1",
            [CHUNK, NUMBER_PREFIX + "%"],
        )
        present = dict(cur.fetchall())
    sizes = chunk_sizes(n)
    if any(sizes.get(k) != count for k, count in present.items()):
        return None
    return present


_GENERATOR: Generator | None = None  # set before the loader processes fork


def _load_chunk(k: int) -> tuple[int, LoadStats, float, float]:
    """Generate chunk ``k`` and write it in one transaction: orders, assignments and events by
    COPY, then their ledger rows."""
    from django.db import connection, transaction

    gen = _GENERATOR
    stats = LoadStats()
    t0 = time.perf_counter()
    orders, assignments, events = gen.chunk(k * CHUNK, gen.sizes[k], stats)
    t1 = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with transaction.atomic(), raw.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        for table, rows in (
            (gen.orders, orders),
            (gen.assignments, assignments),
            (gen.events, events),
        ):
            with cur.copy(table.copy_sql()) as copy:
                for row in rows:
                    copy.write_row(row)
        # The ledger rows, folded from the events just copied, by the ledger's own code (else the
        # next ``migrate`` would fold a million of them in its post_migrate backfill).
        from minyi.ledger.facts import rows_rebuild

        rows_rebuild([row[gen.orders.index["id"]] for row in orders], batch=5_000)
    stats.orders, stats.assignments, stats.events = len(orders), len(assignments), len(events)
    return k, stats, t1 - t0, time.perf_counter() - t1


def _loader_init(n: int) -> None:
    """A loader process, started fresh ("spawn"): its own Django, connection and generator (a
    forked one shared the parent's pooled connection: "received 2 results from command
    'BEGIN'")."""
    global _GENERATOR
    import django
    from django.apps import apps

    from bench.data import fixtures

    if not apps.ready:
        django.setup()
    _GENERATOR = Generator(fixtures())
    _GENERATOR.sizes = chunk_sizes(n)


def load(n: int, fx: Fixtures, *, reload: bool, workers: int) -> dict:
    remove_service_orders()
    have = bench_order_count()
    info = {"existing": have, "loaded": 0, "seconds": 0.0, "vacuum": 0.0, "levels": {}}
    present = None if reload else loaded_chunks(n)
    if present is None:
        if have:
            print(f"  dropping the {have:,} loaded orders (--reload, or a load of another size)")
        truncate_orders()
        sql_exec("DROP TABLE IF EXISTS bench_load")
        present = {}
    todo = [k for k in chunk_sizes(n) if k not in present]
    if not todo:
        print(f"  {have:,} bench orders already loaded; skipping the load (--reload to redo)")
        info["previous"] = previous_load(n)
        return info
    if present:
        print(f"  resuming: {len(present)} of {len(chunk_sizes(n))} chunks already loaded")
    total = LoadStats()
    started = time.perf_counter()
    connections_close_for_fork()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(max(1, workers), initializer=_loader_init, initargs=(n,)) as pool:
        results = pool.imap_unordered(_load_chunk, todo)
        for done in range(1, len(todo) + 1):
            try:
                k, stats, gen_s, copy_s = results.next(timeout=CHUNK_TIMEOUT)
            except multiprocessing.TimeoutError:
                pool.terminate()
                raise SystemExit(f"a load chunk took over {CHUNK_TIMEOUT} s; stopped") from None
            total.orders += stats.orders
            total.assignments += stats.assignments
            total.events += stats.events
            for name in ("levels", "newly"):
                for level, count in getattr(stats, name).items():
                    bucket = getattr(total, name)
                    bucket[level] = bucket.get(level, 0) + count
            print(
                f"  chunk {k:>3} done ({done}/{len(todo)}): {stats.orders:,} orders, "
                f"generate {gen_s:4.1f} s, COPY + ledger rows {copy_s:4.1f} s, "
                f"elapsed {time.perf_counter() - started:6.1f} s",
                flush=True,
            )
    info["seconds"] = time.perf_counter() - started
    reset_sequences()
    print("  VACUUM ANALYZE …", flush=True)
    info["vacuum"] = vacuum_analyze("orders_workorder", "orders_assignment", "orders_orderevent")
    info.update(
        loaded=total.orders,
        assignments=total.assignments,
        events=total.events,
        levels=total.levels,
        newly=total.newly,
        resumed=bool(present),
        workers=workers,
        at=datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )
    sql_exec("CREATE TABLE IF NOT EXISTS bench_load (orders integer PRIMARY KEY, info jsonb)")
    sql_exec(
        "INSERT INTO bench_load VALUES (%s, %s::jsonb) "
        "ON CONFLICT (orders) DO UPDATE SET info = EXCLUDED.info",
        [n, json.dumps(info)],
    )
    return info


def previous_load(n: int) -> dict | None:
    """What the load that filled the database measured (kept in the table ``bench_load``)."""
    if not sql_scalar("SELECT to_regclass('bench_load') IS NOT NULL"):
        return None
    raw = sql_scalar("SELECT info::text FROM bench_load WHERE orders = %s", [n])
    return json.loads(raw) if raw else None


# A call, a 码上找代表 message, a suggestion: records of their own that may name an order
UNLINKED = frozenset({"calls_calllog", "mashang_message", "suggestions_suggestion"})


def remove_service_orders(created_by_prefix: str = "") -> int:
    """Delete the orders created through the services (figure 1, the busy hour), not the loaded
    ones, with every row that points at one of them or at one of their assignments (events,
    messages, ledger rows, replies, callbacks, the intake index …; the tables come from the
    schema's foreign keys, so a new one is never left behind), except the records that stand on
    their own (``UNLINKED``), which only lose the link. ``created_by_prefix``: only the orders
    recorded by users whose names start with it (the busy hour's operators)."""
    from django.db import connection, transaction

    pattern = NUMBER_PREFIX + "%"
    with connection.cursor() as cur:
        cur.execute(
            "SELECT o.id FROM orders_workorder o LEFT JOIN accounts_user u ON u.id = o.created_by_id "
            "WHERE o.number NOT LIKE %s AND coalesce(u.username, '') LIKE %s",
            [pattern, created_by_prefix.replace("%", r"\%").replace("_", r"\_") + "%"],
        )
        orders = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT id FROM orders_assignment WHERE order_id = ANY (%s)", [orders])
        assignments = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT c.conrelid::regclass::text, a.attname, "
            "c.confrelid = 'orders_assignment'::regclass "
            "FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.contype = 'f' AND c.confrelid IN "
            "('orders_workorder'::regclass, 'orders_assignment'::regclass) "
            "AND c.conrelid <> 'orders_workorder'::regclass"
        )
        # the rows pointing at assignments first, the assignments themselves last
        pointing = sorted(cur.fetchall(), key=lambda r: (not r[2], r[0] == "orders_assignment"))
    # Django's foreign keys are checked at the commit, so rows pointing at each other may go in
    # any order within the transaction
    with transaction.atomic():
        for table, column, at_assignment in pointing:
            ids = assignments if at_assignment else orders
            if table not in UNLINKED:
                sql_exec(f"DELETE FROM {table} WHERE {column} = ANY (%s)", [ids])
            else:
                sql_exec(f"UPDATE {table} SET {column} = NULL WHERE {column} = ANY (%s)", [ids])
        return sql_exec("DELETE FROM orders_workorder WHERE id = ANY (%s)", [orders])
