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
def test_the_bench_measures_an_index_migration_and_says_why_it_leaves_others_out():
    assert upgrade_undo.choose(1, only=["ledger.0006_keyset_index"]) == (
        [("ledger", "0006_keyset_index")],
        [],
    )
    chosen, notes = upgrade_undo.choose(1, only=["privacy.0002_access_log_keeps_the_viewer"])
    assert chosen == []
    assert notes == [
        "privacy.0002_access_log_keeps_the_viewer: not measured: undoing "
        "privacy.0002_access_log_keeps_the_viewer: undoing Alter field order on "
        "personaldataaccess alters the column back (a rewrite, or a failure)"
    ]
    assert upgrade_undo.choose(1, only=["calls.0001_initial"]) == (
        [],
        ["calls.0001_initial: not measured: undoing it drops the app's tables"],
    )


@pytest.mark.django_db
def test_by_default_every_app_with_a_big_table_is_measured_or_said_why_not():
    from minyi.core import migration_rules as rules

    chosen, notes = upgrade_undo.choose(2)

    owners = {label.split(".")[0] for label in rules.BIG_TABLES}
    for app in owners:
        touching = [m for m in rules.plan() if m.app_label == app and rules.touches_big_table(m)]
        if touching:
            assert any(a == app for a, _ in chosen) or any(n.startswith(f"{app}.") for n in notes)
    assert all(rules.touches_big_table(m) for m in rules.plan() if (m.app_label, m.name) in chosen)


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
                    "ledger.0006_keyset_index",
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
    assert "| ledger.0006_keyset_index | back |" in out
    assert "| ledger.0006_keyset_index | forward |" in out
    assert "ledger_ledgerrow ShareUpdateExclusive" in out or "none seen" in out
    assert "row counts were the same before and after" in out
