"""Room on each page of the ledger rows so that the SLA scan's 曾超期 (``went_red``, no index
holds it) can be a HOT update: the new row version on the same page, no new entry in any of the
table's ten indexes. Packed pages (the default fill, 100%) made each of those updates write ten
index entries: at 1,000,000 orders the midnight scan spent most of its time there.

Like the orders table's (orders migration 0003): pages written before this, or by a bulk load,
only get the room once rewritten (``VACUUM FULL ledger_ledgerrow``, or a reload).
"""

from django.db import migrations

LEDGER_FILLFACTOR = 85


def _set_fillfactor(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("ledger", "LedgerRow")._meta.db_table)
        if value is None:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(value)})")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_rejected_once_and_levels"),
    ]

    operations = [
        migrations.RunPython(_set_fillfactor(LEDGER_FILLFACTOR), _set_fillfactor(None)),
    ]
