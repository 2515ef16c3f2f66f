# Keyset lists: every index a list pages on ends with the tie-break ``id``, so a page starts with
# one row-value range however deep it is (minyi.core.rowvalues). Built before the indexes they
# replace are dropped, concurrently on PostgreSQL (no write lock on a million orders).

from django.db import migrations, models

from minyi.core.migration_ops import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0014_event_fk_indexes_dropped"),
    ]

    operations = [
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("next_due__isnull", False)),
                fields=["next_due", "id"],
                name="order_next_due_id",
            ),
        ),
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("sign_due__isnull", False)),
                fields=["sign_due", "id"],
                name="order_sign_due_id",
            ),
        ),
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("replied_at__isnull", False)),
                fields=["status", "replied_at", "id"],
                name="order_status_replied_id",
            ),
        ),
        AddIndexOnline(
            model_name="workorder",
            index=models.Index(
                fields=["deputy", "-created_at", "-id"], name="order_deputy_created_id"
            ),
        ),
        RemoveIndexOnline(model_name="workorder", name="order_next_due"),
        RemoveIndexOnline(model_name="workorder", name="order_sign_due"),
        RemoveIndexOnline(model_name="workorder", name="order_deputy_created"),
    ]
