"""Once the ledger rows of the orders written before the ledger were folded here; that fold
ran the current models, which a later schema outgrows. It now runs after every ``migrate``
(minyi/ledger/apps.py, post_migrate: the orders still without a row, with the schema complete),
so this migration is kept empty for the databases that recorded it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger")]

    operations = []
