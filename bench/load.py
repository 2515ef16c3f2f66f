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
                f"generate {gen_s:4.1f} s, COPY {copy_s:4.1f} s, "
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


def remove_service_orders() -> int:
    """Delete the orders figure 1 created through the services (not the loaded ones)."""
    from django.db import transaction

    pattern = NUMBER_PREFIX + "%"
    with transaction.atomic():
        ids = "SELECT id FROM orders_workorder WHERE number NOT LIKE %s"
        # the messages and notices these orders caused (minyi/notify) go first: they point at them
        sql_exec(f"DELETE FROM notify_outboxmessage WHERE order_id IN ({ids})", [pattern])
        # and their ledger rows (minyi/ledger: one per order, written by the services)
        sql_exec(f"DELETE FROM ledger_ledgerrow WHERE order_id IN ({ids})", [pattern])
        sql_exec(f"DELETE FROM notify_notice WHERE order_id IN ({ids})", [pattern])
        sql_exec(f"DELETE FROM orders_orderevent WHERE order_id IN ({ids})", [pattern])
        sql_exec(f"DELETE FROM orders_assignment WHERE order_id IN ({ids})", [pattern])
        return sql_exec("DELETE FROM orders_workorder WHERE number NOT LIKE %s", [pattern])
