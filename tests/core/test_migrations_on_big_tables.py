"""Migrations on big tables (issue 14, docs/conventions.md "Migrations on big tables"): a new
migration that would hold a lock on a big table for long on PostgreSQL fails here, naming the
migration, the operation and what to use instead."""

from __future__ import annotations

from django.db import migrations, models

from minyi.core import migration_rules as rules
from minyi.core.migration_ops import AddIndexOnline


def test_no_migration_holds_a_big_table_locked_for_long_but_the_grandfathered_ones():
    found = rules.problems()

    new = [
        str(p) for name, listed in found.items() if name not in rules.GRANDFATHERED for p in listed
    ]
    assert not new, "migrations that would lock a big table for long:\n" + "\n".join(new)


def test_every_grandfathered_migration_still_breaks_the_rule_so_the_list_only_shrinks():
    found = rules.problems()

    assert sorted(rules.GRANDFATHERED - found.keys()) == []


def test_every_reviewed_data_migration_exists_and_runs_code():
    runs_code = {
        f"{m.app_label}.{m.name}"
        for m in rules.plan()
        if rules.ours(m)
        for op in m.operations
        if rules.runs_code(op)
    }

    assert sorted(rules.REVIEWED_CODE.keys() - runs_code) == []
    assert all(rules.REVIEWED_CODE.values()), "each entry says why it is short"


# -- what the check says about a new migration ------------------------------------------------------


def check(app_label: str, *operations, atomic: bool = True, name: str = "0999_new") -> list[str]:
    migration = migrations.Migration(name, app_label)
    migration.operations = list(operations)
    migration.atomic = atomic
    return [str(p) for p in rules.migration_problems(migration, rules.state_after_all())]


def test_a_plain_index_on_the_orders_is_refused_naming_the_migration_and_the_online_operation():
    index = models.Index(fields=["closed_at"], name="order_closed_at")

    [problem] = check("orders", migrations.AddIndex("workorder", index))

    assert problem.startswith("orders.0999_new: Create index order_closed_at")
    assert "CREATE INDEX blocks every write" in problem
    assert "AddIndexOnline" in problem and "atomic = False" in problem


def test_an_online_index_passes_only_in_a_migration_that_is_not_atomic():
    index = models.Index(fields=["closed_at"], name="order_closed_at")

    assert check("orders", AddIndexOnline("workorder", index), atomic=False) == []
    [problem] = check("orders", AddIndexOnline("workorder", index))
    assert "`atomic = False` on the migration" in problem


def test_a_nullable_column_or_one_with_a_database_default_may_be_added_to_a_big_table():
    assert (
        check("orders", migrations.AddField("workorder", "note", models.TextField(null=True))) == []
    )
    assert (
        check(
            "ledger",
            migrations.AddField("ledgerrow", "flag", models.BooleanField(db_default=False)),
        )
        == []
    )


def test_an_indexed_foreign_key_added_to_the_events_is_refused_with_the_not_valid_recipe():
    field = models.ForeignKey("reference.Department", models.PROTECT, null=True)

    [problem] = check("orders", migrations.AddField("orderevent", "department", field))

    assert "db_index builds the index with writes blocked" in problem
    unindexed = models.ForeignKey("reference.Department", models.PROTECT, null=True, db_index=False)
    [problem] = check("orders", migrations.AddField("orderevent", "department", unindexed))
    assert "NOT VALID" in problem and "VALIDATE CONSTRAINT" in problem


def test_changing_a_big_tables_column_type_is_refused_but_a_longer_text_is_not():
    longer = models.CharField("标题", max_length=400, blank=True)
    to_text = models.TextField("标题", blank=True)

    assert check("orders", migrations.AlterField("workorder", "title", longer)) == []
    [problem] = check("orders", migrations.AlterField("workorder", "title", to_text))
    assert "a new column type rewrites the table" in problem
    assert "fill it in batches" in problem


def test_code_in_a_migration_must_be_reviewed_and_small_tables_are_free():
    def backfill(apps, schema_editor):
        pass

    [problem] = check("orders", migrations.RunPython(backfill, migrations.RunPython.noop))
    assert problem.startswith("orders.0999_new: RunPython(backfill)")
    assert "REVIEWED_CODE" in problem
    index = models.Index(fields=["name"], name="dept_name")
    assert check("reference", migrations.AddIndex("department", index)) == []
