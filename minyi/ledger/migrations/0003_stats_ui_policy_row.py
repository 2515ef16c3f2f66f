"""The statistics policy's one row (stats-ui, issue 11): the system administrator edits it in
the admin (k, the minimum sample, the grading weights); nobody adds a second or deletes it."""

from django.db import migrations


def seed(apps, schema_editor):
    policy = apps.get_model("ledger", "StatisticsPolicy")
    if not policy.objects.exists():
        policy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_rows_backfill")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
