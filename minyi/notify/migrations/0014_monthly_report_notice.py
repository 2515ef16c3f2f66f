"""The monthly report's notice to the liaison officers (minyi/ledger/reports/services.py). The
body lives in 0002's ``TEMPLATES`` (the tests reseed from there)."""

from django.db import migrations

CODES = ("monthly_report_ready",)


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0013_mashang_reminders")]

    operations = [migrations.RunPython(forward, backward)]
