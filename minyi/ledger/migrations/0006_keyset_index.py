# The ledger page's keyset, (created_at, order) < (%s, %s): the tie-break inside the index
# (minyi.core.rowvalues). Built before the index it replaces is dropped, concurrently on
# PostgreSQL (no write lock on a million rows).

from django.db import migrations, models

from minyi.core.migration_ops import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("ledger", "0005_rows_fillfactor"),
    ]

    operations = [
        AddIndexOnline(
            model_name="ledgerrow",
            index=models.Index(fields=["created_at", "order"], name="ledger_created_order"),
        ),
        RemoveIndexOnline(model_name="ledgerrow", name="ledger_created"),
    ]
