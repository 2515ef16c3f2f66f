"""The escalation SMS (转代表建议告知), and the rejection text without "依据：依据…。。".

The seeded bases begin with "依据《…》" and end with "。": the old text read "依据：依据《…》…。。".
An administrator's own edit of the rejection text is left as it is.
"""

from django.db import migrations

OLD_REJECTED = (
    "您好，您反映的“{title}”（工单编号{number}）不予受理。理由：{reason}。依据：{basis}。"
    "如有疑问请致电12345。"
)


def forward(apps, schema_editor):
    from importlib import import_module

    seeds = import_module("minyi.notify.migrations.0002_seed_templates")
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    bodies = {code: body for code, _, _, body in seeds.TEMPLATES}
    MessageTemplate.objects.filter(code="order_rejected", body=OLD_REJECTED).update(
        body=bodies["order_rejected"]
    )
    seeds.seed(apps, schema_editor)  # adds order_escalated; keeps what exists


class Migration(migrations.Migration):
    dependencies = [("notify", "0005_reply_result_texts")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
