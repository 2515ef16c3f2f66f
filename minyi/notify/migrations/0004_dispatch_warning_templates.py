"""The in-app notices of the dispatch clock (受理 → 派单, "第一时间交办"): an order waiting for
dispatch nears or passes its dispatch limit; only the dispatchers are told."""

from django.db import migrations

TEMPLATES = [
    ("dispatch_yellow", "派单黄色预警（派单员）", "in_app",
     "【黄色预警】工单{number}“{title}”待派单，派单时限{due}，请第一时间交办。"),
    ("dispatch_red", "派单红色超期（派单员）", "in_app",
     "【红色超期】工单{number}“{title}”已超过派单时限（{due}），请立即派单。"),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, name, channel, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "channel": channel, "body": body}
        )


def unseed(apps, schema_editor):
    apps.get_model("notify", "MessageTemplate").objects.filter(
        code__in=[code for code, *_ in TEMPLATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0003_supervision_words_agree")]

    operations = [migrations.RunPython(seed, unseed)]
