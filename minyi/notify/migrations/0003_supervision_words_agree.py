"""督办 is said only where it was decided: the red warning no longer claims "已列入督办" (time
passing is not supervision), and a supervision tells the handling department in its own notice.
A body an administrator has edited is left as it is."""

from django.db import migrations

RED_HANDLER_BEFORE = "【红色超期】工单{number}“{title}”已于{due}超期，已列入督办，请立即办理。"
RED_HANDLER_AFTER = "【红色超期】工单{number}“{title}”已于{due}超期，请立即办理。"
SUPERVISED = (
    "supervised_handler",
    "督办通知（承办人）",
    "in_app",
    "【{level}督办】工单{number}“{title}”已列入督办，办理时限{due}，请抓紧办理。",
)


def forward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="warning_red_handler", body=RED_HANDLER_BEFORE).update(
        body=RED_HANDLER_AFTER
    )
    code, name, channel, body = SUPERVISED
    MessageTemplate.objects.get_or_create(
        code=code, defaults={"name": name, "channel": channel, "body": body}
    )


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="warning_red_handler", body=RED_HANDLER_AFTER).update(
        body=RED_HANDLER_BEFORE
    )
    MessageTemplate.objects.filter(code=SUPERVISED[0]).delete()


seed = forward  # tests/conftest.py re-seeds after a transactional test's flush


class Migration(migrations.Migration):
    dependencies = [("notify", "0002_seed_templates")]

    operations = [migrations.RunPython(forward, backward)]
