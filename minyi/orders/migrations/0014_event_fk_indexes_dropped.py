"""The events' single-column indexes on ``order_id`` and ``actor_id`` go: ``event_order_at`` and
``event_actor_at`` lead with the same columns and serve every query and cascade that used them,
and each index costs an entry per event written (the SLA scan writes a tenth of the open
orders' events at midnight, each entry in ``order_id`` order: a random page of the index).

The indexes are dropped by name, found in the database: an ``AlterField`` to ``db_index=False``
would also drop and re-create the foreign key, checking every event again under a lock.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = ("order_id", "actor_id")


def _drop(apps, schema_editor):
    model = apps.get_model("orders", "OrderEvent")
    named = {index.name for index in model._meta.indexes}
    for column in COLUMNS:
        for name in schema_editor._constraint_names(model, [column], index=True):
            if name not in named:
                schema_editor.execute(schema_editor._delete_index_sql(model, name))


def _create(apps, schema_editor):
    model = apps.get_model("orders", "OrderEvent")
    for column in COLUMNS:
        field = next(f for f in model._meta.fields if f.column == column)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0013_event_duplicates_dismissed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="orderevent",
                    name="order",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="orders.workorder",
                    ),
                ),
                migrations.AlterField(
                    model_name="orderevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, _create)],
        ),
    ]
