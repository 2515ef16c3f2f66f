"""码上找代表: the SMS telling a citizen their message arrived, with its tracking code
(minyi/mashang/services/messages.py). The body lives in 0002's ``TEMPLATES``."""

from django.db import migrations


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="mashang_message_received").delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0009_mashang_sms_code")]

    operations = [migrations.RunPython(forward, backward)]
