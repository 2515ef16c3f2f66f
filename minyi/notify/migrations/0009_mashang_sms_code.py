"""码上找代表's SMS code (minyi/mashang/services/verification.py). The body lives in 0002's
``TEMPLATES`` (the tests reseed from there)."""

from django.db import migrations


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="mashang_sms_code").delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0008_notice_message_label")]

    operations = [migrations.RunPython(forward, backward)]
