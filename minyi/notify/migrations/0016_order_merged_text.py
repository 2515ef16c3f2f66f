"""并单告知 (issue 12, duplicates at intake): the caller of a duplicate merged into its master is
told the master's number and progress. The body lives in 0002's ``TEMPLATES``."""

from django.db import migrations

CODES = ("order_merged",)


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0015_suggestion_texts")]

    operations = [migrations.RunPython(forward, backward)]
