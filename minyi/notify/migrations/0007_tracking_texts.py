"""The texts of 跟踪督办 (issue 9 rule 6): to the deputy and the requester when an unsolved reply is
tracked, at each progress report, at the done report and at the close; to the department's
handlers when it opens, when the requester says it is not done, before and after the plan date.
The bodies live in 0002's ``TEMPLATES`` (the tests reseed from there)."""

from django.db import migrations


def forward(apps, schema_editor):
    from importlib import import_module

    import_module("minyi.notify.migrations.0002_seed_templates").seed(apps, schema_editor)


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code__startswith="tracking_").delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0006_escalation_text")]

    operations = [migrations.RunPython(forward, backward)]
