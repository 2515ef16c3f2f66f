"""The reply SMS carries the result, and the deputy's asks for a rating (issue 9, rule 7).

衡阳: "由承办单位通过电话、短信告诉人大代表办理结果，并征求人大代表对办理结果是否满意". A ``reply_ready``
text an administrator has edited is left as it is (its placeholders stay valid)."""

from django.db import migrations

OLD_REPLY_READY = (
    "您好，您反映的“{title}”（工单编号{number}）已有办理答复，12345热线将对办理结果进行回访，"
    "感谢您的支持。"
)
REPLY_READY = (
    "您好，您反映的“{title}”（工单编号{number}）已办理答复（{solved}）：{result}。"
    "12345热线将对办理结果进行回访，感谢您的支持。"
)
REPLY_READY_DEPUTY = (
    "您好，您反映的“{title}”（工单编号{number}）已办理答复（{solved}）：{result}。"
    "请登录人大代表工作台评价办理结果（满意、基本满意、不满意），12345热线也将回访征求您的意见。"
)


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="reply_ready", body=OLD_REPLY_READY).update(
        body=REPLY_READY
    )
    MessageTemplate.objects.get_or_create(
        code="reply_ready_deputy",
        defaults={"name": "答复告知（代表，请评价）", "channel": "sms", "body": REPLY_READY_DEPUTY},
    )


def backward(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    MessageTemplate.objects.filter(code="reply_ready", body=REPLY_READY).update(
        body=OLD_REPLY_READY
    )
    MessageTemplate.objects.filter(code="reply_ready_deputy").delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0004_dispatch_warning_templates")]

    operations = [migrations.RunPython(seed, backward)]
