"""码上找代表's reminders (minyi/mashang/services/reminders.py): the deputy's SMS and notice, the
station's notice. The bodies live in 0002's ``TEMPLATES`` (the tests reseed from there)."""

from django.db import migrations

CODES = ("mashang_remind_deputy", "mashang_remind_deputy_notice", "mashang_station_told")


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0012_notices_open_their_message")]

    operations = [migrations.RunPython(forward, backward)]
