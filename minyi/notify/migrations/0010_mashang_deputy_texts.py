"""码上找代表, the deputy's side: the citizen told of an answer, and the in-app notices of a
hand-over, of 12345's refusal and of its result (minyi/mashang/services/handling.py,
followup.py). The bodies live in 0002's ``TEMPLATES`` (the tests reseed from there)."""

from django.db import migrations

CODES = (
    "mashang_answered",
    "mashang_answered_by",
    "mashang_to_station",
    "mashang_to_liaison",
    "mashang_order_rejected",
    "mashang_order_escalated",
    "mashang_result",
)


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0009_mashang_sms_code")]

    operations = [migrations.RunPython(forward, backward)]
