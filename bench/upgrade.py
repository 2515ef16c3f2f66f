#!/usr/bin/env python
"""Upgrades that do not lock the big tables (issue 14): the newest migrations that touch a big
table, undone and applied again on the bench database while the city keeps working.

For each app, the last ``--migrations N`` (default 2) migrations that touch a big table
(``minyi.core.migration_rules.touches_big_table``), or the ones named by ``--only``: the app is
migrated back to before each of them, newest first, then forward again one migration at a time,
while a probe reads and writes (an UPDATE rolled back) one row of each big table the migration
touches, and of the orders, every 20 ms (bench/upgrade_watch.py). Per step: the wall time, the
probe's longest wait, and the locks the migrating connection held (``pg_locks``, sampled every
20 ms: the strongest per table, and for how long). Target: no probe waits 1 s or more while a
migration is applied (the forward steps: an upgrade); the backward steps are what undoing the
upgrade would cost, reported, not judged.

The database is left as it was: only migrations whose undoing loses nothing are measured (an
index, a constraint, a fillfactor; not a column or a table holding rows, nor code whose reverse
is not known to restore the rows: each skipped one gets a note), and everything is migrated
forward again at the end, also when the run fails or is interrupted (``finally``). Before and
after, the schema (columns, indexes, constraints, table options), the applied migrations and the
big tables' row counts are read, and a difference breaks the run (exit 2).

Options: ``--quick`` (the quick bench database, ``minyi_bench_quick``), ``--database-url URL``
(else ``DATABASE_URL``, else ``minyi_bench``), ``--migrations N``, ``--only app.migration …``,
``--dry-run`` (say what would be measured and stop), ``--no-results`` (do not touch
bench/RESULTS.md, section ``<!-- bench:upgrade -->``). Exit status as bench/child.py: 0 every
target met, 1 a probe waited 1 s or more during an upgrade step, 2 it could not measure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.child import stop_on_term  # noqa: E402
from bench.db import DEFAULT_URL, QUICK_URL, ensure_database, setup_django  # noqa: E402
from bench.report import Stamp, write_section  # noqa: E402
from bench.upgrade_undo import choose, migration_label, parent_of  # noqa: E402
from bench.upgrade_watch import Seen, Watch  # noqa: E402

MARK = "bench:upgrade"
TARGET_WAIT = 1.0  # seconds: the longest a read or a write of the city may wait on an upgrade
DEFAULT_MIGRATIONS = 2


@dataclass
class Step:
    migration: str  # the one measured, "app.name"
    direction: str  # "forward" (the upgrade), "back" (undoing it)
    runs: list[str]  # every migration the step applied or undid
    seconds: float
    seen: Seen

    @property
    def judged(self) -> bool:
        return self.direction == "forward"

    @property
    def ok(self) -> bool:
        return self.seen.wait < TARGET_WAIT


# -- measuring ------------------------------------------------------------------------------------


def probe_tables(migrations) -> list[tuple[str, str, object]]:
    """(table, pk column, one pk) of the orders and of every big table ``migrations`` touch (all
    of an app's big tables when a migration runs code), when the table has a row."""
    from django.apps import apps
    from django.db import connection

    from minyi.core import migration_rules as rules

    labels = {"orders.workorder"}
    for migration in migrations:
        for op in migration.operations:
            for db_op in rules.database_operations(op):
                if rules.runs_code(db_op):
                    labels |= {k for k in rules.BIG_TABLES if k.startswith(migration.app_label)}
                elif rules.big(migration.app_label, rules.model_of(db_op)):
                    labels.add(f"{migration.app_label}.{rules.model_of(db_op).lower()}")
    found = []
    for label in sorted(labels):
        try:
            model = apps.get_model(label)
        except LookupError:  # a model the code no longer has
            continue
        table, pk = model._meta.db_table, model._meta.pk.column
        q = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(f"SELECT {q(pk)} FROM {q(table)} LIMIT 1")  # noqa: S608 - our names
            row = cur.fetchone()
        if row:
            found.append((table, pk, row[0]))
    return found


_migrating: dict[str, int] = {}  # "pid": the migrating connection's backend, while a step runs


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def invalid_indexes() -> set[str]:
    """Indexes a ``CONCURRENTLY`` build left unfinished (interrupted or failed)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
        return {row[0] for row in cur.fetchall()}


def abandon_step(invalid_before: set[str]) -> None:
    """After a step stopped midway (SIGTERM, Ctrl-C, an error): end its statement on the server
    (the connection may be mid-query), and drop the index a ``CONCURRENTLY`` build left invalid,
    so that ``migrate`` can build it again."""
    from django.db import connection

    pid = _migrating.pop("pid", None)
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110 - a connection mid-query: a new one follows
        pass
    with connection.cursor() as cur:
        if pid is not None:
            cur.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(300):
                cur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if not cur.fetchone():
                    break
                time.sleep(0.1)
        for index in sorted(invalid_indexes() - invalid_before):
            print(f"  dropping the index {index} left invalid by the interrupted step", flush=True)
            cur.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")


def migrate_step(watch: Watch, label: str, direction: str, target) -> Step:
    """Migrate to ``target`` (``(app, name)``) with the probe running."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan([target])
    migrations = [m for m, _ in plan]
    _migrating["pid"] = backend_pid()
    with watch.step(probe_tables(migrations), _migrating["pid"]) as seen:
        began = time.perf_counter()
        executor.migrate([target], plan=plan)
        seconds = time.perf_counter() - began
    _migrating.pop("pid", None)
    step = Step(label, direction, [migration_label(m) for m in migrations], seconds, seen)
    print(
        f"  {direction:<7} {label:<48} {seconds:6.2f} s  probe waited {seen.wait * 1000:7.0f} ms "
        f"({seen.probes} probes)  locks: {seen.lock_text()}",
        flush=True,
    )
    return step


def measure_app(watch: Watch, app: str, names: list[str]) -> list[Step]:
    """Undo ``names`` (newest first) one by one, then apply them again oldest first."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection).graph
    steps = []
    for name in names:
        steps.append(
            migrate_step(watch, f"{app}.{name}", "back", (app, parent_of(graph, app, name)))
        )
    for name in reversed(names):
        steps.append(migrate_step(watch, f"{app}.{name}", "forward", (app, name)))
    return steps


def repair_indexes(before: dict[str, str]) -> None:
    """Indexes as in the ``before`` snapshot again. A migration with ``atomic = False`` stopped
    midway has built or dropped some of its indexes and is still recorded as it was (applied, or
    not), so ``migrate`` alone would leave them so: drop the extra ones, build the missing ones
    from their definitions, both concurrently."""
    from django.db import connection

    now = {k: v for k, v in snapshot().items() if k.startswith("index ")}
    then = {k: v for k, v in before.items() if k.startswith("index ")}
    with connection.cursor() as cur:
        for key in sorted(now.keys() - then.keys()):
            name = connection.ops.quote_name(key.split(".", 1)[1])
            print(f"  dropping {name}, not there before the run", flush=True)
            cur.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for key in sorted(then.keys() - now.keys()):
            definition = then[key].replace(" INDEX ", " INDEX CONCURRENTLY ", 1)
            print(f"  building {key.split('.', 1)[1]} again, there before the run", flush=True)
            cur.execute(definition)


def restore() -> float:
    """Every migration applied again, as ``manage.py migrate`` does (post-migrate included)."""
    from django.core.management import call_command

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - began


def snapshot() -> dict[str, str]:
    """The schema, the applied migrations and the big tables' row counts, to compare."""
    from django.apps import apps
    from django.db import connection

    from minyi.core import migration_rules as rules

    queries = [
        "SELECT 'index ' || tablename || '.' || indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema()",
        "SELECT 'constraint ' || conrelid::regclass::text || '.' || conname, "
        "pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END "
        "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace",
        "SELECT 'column ' || table_name || '.' || column_name, data_type || ' ' || is_nullable "
        "|| ' ' || coalesce(column_default, '') || ' ' || coalesce(character_maximum_length, 0) "
        "FROM information_schema.columns WHERE table_schema = current_schema()",
        "SELECT 'options ' || relname, coalesce(array_to_string(reloptions, ','), '') "
        "FROM pg_class WHERE relnamespace = current_schema()::regnamespace",
        "SELECT 'applied ' || app || '.' || name, '' FROM django_migrations",
    ]
    shot = {}
    with connection.cursor() as cur:
        for query in queries:
            cur.execute(query)
            shot.update(dict(cur.fetchall()))
        for label in rules.BIG_TABLES:
            table = connection.ops.quote_name(apps.get_model(label)._meta.db_table)
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our names
            shot[f"rows {label}"] = str(cur.fetchone()[0])
    return shot


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    keys = sorted(before.keys() | after.keys())
    return [
        f"{k}: {before.get(k, '(none)')} → {after.get(k, '(none)')}"
        for k in keys
        if before.get(k) != after.get(k)
    ]


# -- the section ----------------------------------------------------------------------------------


def render(steps: list[Step], notes: list[str], stamp: Stamp, facts: dict) -> str:
    lines = [
        f"<!-- {MARK} -->",
        "## Upgrades on the loaded orders (bench/upgrade.py, issue 14)",
        "",
        stamp.header(quick=facts["quick"]),
        "",
        f"Database `{facts['db']}` ({facts['orders']:,} orders). Each migration undone (back) "
        "and applied again (forward) with a probe reading and writing one row of each big "
        "table it touches, and of the orders, every 20 ms; the locks are the migrating "
        "connection's, sampled every 20 ms (the strongest per table, first to last sample). "
        f"Target: no probe waits {TARGET_WAIT:g} s or more during a forward step (an upgrade); "
        "the back steps (undoing it) are reported, not judged. Restored at the end with "
        f"`migrate` in {facts['restore']:.1f} s; the schema, the applied migrations and the "
        f"big tables' row counts {facts['same']}.",
        "",
        "| migration | step | wall | longest probe wait | locks held | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in steps:
        runs = (
            ""
            if s.runs == [s.migration]
            else f" (with {', '.join(r for r in s.runs if r != s.migration)})"
        )
        verdict = ("pass" if s.ok else "FAIL") if s.judged else "info"
        lines.append(
            f"| {s.migration}{runs} | {s.direction} | {s.seconds:.2f} s | "
            f"{s.seen.wait * 1000:.0f} ms | {s.seen.lock_text()} | {verdict} |"
        )
    if not steps:
        lines.append("| (none) | | | | | |")
    if notes:
        lines += ["", "Not measured:", ""] + [f"- {n}" for n in notes]
    errors = [f"{s.migration} {s.direction}: {e}" for s in steps for e in s.seen.errors[:1]]
    if errors:
        lines += ["", "Probe errors:", ""] + [f"- {e}" for e in errors]
    lines += [f"<!-- /{MARK} -->", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the quick database")
    parser.add_argument("--database-url", default=None, help="else DATABASE_URL, else minyi_bench")
    parser.add_argument(
        "--migrations", type=int, default=DEFAULT_MIGRATIONS, help="per app (default 2)"
    )
    parser.add_argument("--only", nargs="+", metavar="APP.MIGRATION", help="these migrations")
    parser.add_argument("--dry-run", action="store_true", help="say what would be measured")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args(argv)
    stamp = Stamp()
    url = (
        args.database_url
        or os.environ.get("DATABASE_URL")
        or (QUICK_URL if args.quick else DEFAULT_URL)
    )
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the upgrade bench needs PostgreSQL, not {url!r}")
    db = ensure_database(url)
    # one plain connection: after an interruption it is closed and replaced, not pooled
    os.environ["DB_POOL_MAX"] = "0"
    setup_django(url)
    stop_on_term()  # SIGTERM (bench/child.py's timeout) raises, so the restore below runs

    from bench.db import sql_scalar

    orders = sql_scalar("SELECT count(*) FROM orders_workorder")
    chosen, notes = choose(args.migrations, args.only)
    print(f"database {db}; {orders:,} orders; measuring {len(chosen)} migration(s)", flush=True)
    for note in notes:
        print(f"  {note}")
    if args.dry_run:
        for app, name in chosen:
            print(f"  would measure {app}.{name}")
        return 0

    before = snapshot()
    steps: list[Step] = []
    restore_seconds = 0.0
    by_app: dict[str, list[str]] = {}
    for app, name in chosen:
        by_app.setdefault(app, []).append(name)
    invalid_before = invalid_indexes()
    with Watch(url) as watch:
        for app, names in by_app.items():
            try:
                steps += measure_app(watch, app, names)
            except BaseException:  # a step failed, or SIGTERM / Ctrl-C: the database first
                abandon_step(invalid_before)
                restore()
                repair_indexes(before)
                left = differences(before, snapshot())
                if left:
                    print("THE DATABASE CHANGED:\n  " + "\n  ".join(left), file=sys.stderr)
                raise
            restore_seconds += restore()  # the next app starts from the whole schema
    same = differences(before, snapshot())
    if same:
        print("THE DATABASE CHANGED:\n  " + "\n  ".join(same[:20]), file=sys.stderr)
    facts = {
        "quick": args.quick,
        "db": db,
        "orders": orders,
        "restore": restore_seconds,
        "same": "were the same before and after" if not same else f"DIFFERED ({len(same)})",
    }
    section = render(steps, notes, stamp, facts)
    print(section)
    if not args.no_results:
        write_section(MARK, section)
    if same:
        raise SystemExit(f"the database is not as it was: {same[0]}")
    return 0 if all(s.ok for s in steps if s.judged) else 1


if __name__ == "__main__":
    from bench.child import guarded

    sys.exit(guarded(main))
