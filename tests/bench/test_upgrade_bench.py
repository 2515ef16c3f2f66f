"""The upgrade bench (bench/upgrade.py, issue 14): it measures only migrations it can undo without
losing anything, says why it leaves the others out, and leaves the database as it found it."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench import upgrade, upgrade_undo

ROOT = Path(upgrade.__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_bench_measures_the_newest_index_migrations_and_says_why_it_skips_the_others():
    chosen, notes = upgrade_undo.choose(2)

    assert ("orders", "0015_keyset_indexes") in chosen
    assert ("ledger", "0006_keyset_index") in chosen
    assert any(
        n.startswith("notify.0016_order_merged_text: not measured")
        and "runs code whose reverse is not known to restore the rows exactly" in n
        for n in notes
    )
    assert "calls.0001_initial: not measured: undoing it drops the app's tables" in notes


@pytest.mark.django_db
def test_a_column_holding_values_is_never_dropped_to_undo_a_migration(dept_a):
    from django.db import migrations, models

    from minyi.core.migration_rules import state_after_all

    # as if the departments' names had come with a migration of their own
    migration = migrations.Migration("0999_names", "reference")
    migration.operations = [
        migrations.AddField("department", "name", models.CharField(max_length=100, null=True))
    ]

    assert upgrade_undo.undo_loses(migration, state_after_all()) == (
        "undoing it drops the column reference_department.name and its values"
    )


def test_a_difference_in_the_schema_is_named():
    before = {"index orders_workorder.order_x": "CREATE INDEX …", "rows orders.workorder": "5"}
    after = {"rows orders.workorder": "5"}

    assert upgrade.differences(before, after) == [
        "index orders_workorder.order_x: CREATE INDEX … → (none)"
    ]


def copy_database(server: str, source: str, name: str) -> None:
    """``name``, a copy of ``source`` through pg_dump (a copy by template would need nobody
    else connected to ``source``, this test's own transaction included)."""
    subprocess.run(["createdb", "--maintenance-db", f"{server}/postgres", name], check=True)
    dump = subprocess.run(
        ["pg_dump", "--no-owner", f"{server}/{source}"], capture_output=True, check=True
    )
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{server}/{name}"],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_bench_undoes_and_redoes_a_migration_on_a_copy_of_the_test_database():
    import psycopg
    from psycopg import sql

    settings = connection.settings_dict
    name = f"minyi_upgrade_{secrets.token_hex(4)}"
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    server = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        try:
            copy_database(server, settings["NAME"], name)
            done = subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "upgrade.py"),
                    "--database-url",
                    f"{server}/{name}",
                    "--only",
                    "orders.0015_keyset_indexes",
                    "--no-results",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    assert "| orders.0015_keyset_indexes | back |" in out
    assert "| orders.0015_keyset_indexes | forward |" in out
    assert "orders_workorder ShareUpdateExclusive" in out or "none seen" in out
    assert "row counts were the same before and after" in out
