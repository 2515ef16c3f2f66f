"""The ledger rows of the orders written before the ledger, folded from their event logs."""

from django.db import migrations


def backfill(apps, schema_editor):
    # The fold reads the current models (the same code as ``manage.py ledger_rebuild``); it runs
    # right after 0001, when their tables are what the code expects.
    from minyi.ledger.facts import rows_missing, rows_rebuild

    rows_rebuild(rows_missing())


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
