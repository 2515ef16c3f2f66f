"""The texts of 闭会期间代表建议 (minyi/notify/suggestion_rules.py): SMS to the lead deputy,
notices to the departments' handlers and the liaison officers."""

from django.db import migrations

TEMPLATES = [
    # code, name, channel, body
    ("suggestion_submitted_liaison", "代表建议待审查（联工委站内）", "in_app",
     "{deputy_name}代表领衔的建议{number}“{title}”已提交，请审查。"),
    ("suggestion_accepted", "代表建议立案（代表短信）", "sms",
     "您领衔的建议“{title}”（编号{number}）已由人大常委会联工委立案，将交有关单位办理。"),
    ("suggestion_returned", "代表建议退回（代表短信）", "sms",
     "您领衔的建议“{title}”（编号{number}）已退回，理由：{reason}。请修改后重新提交。"),
    ("suggestion_not_adopted", "代表建议不予立案（代表短信）", "sms",
     "您领衔的建议“{title}”（编号{number}）不予立案，理由：{reason}。"),
    ("suggestion_assigned", "代表建议交办（代表短信）", "sms",
     "您领衔的建议“{title}”（编号{number}）已交{department}主办，答复期限{due}。"),
    ("suggestion_assigned_handler", "代表建议交办（承办单位站内）", "in_app",
     "代表建议{number}“{title}”已交你单位{role}，请于{due}前答复。"),
    ("suggestion_replied", "代表建议已答复（代表短信）", "sms",
     "您领衔的建议“{title}”（编号{number}）已由{department}答复，请登录查看并评价办理结果。"),
    ("suggestion_second_round_handler", "代表建议再次办理（承办单位站内）", "in_app",
     "代表对建议{number}“{title}”的答复不满意，请于{due}前再次答复。"),
    ("suggestion_closed_handler", "代表建议办结（承办单位站内）", "in_app",
     "代表建议{number}“{title}”已办结，代表评价：{evaluation}。"),
    ("suggestion_yellow_handler", "代表建议临期（承办单位站内）", "in_app",
     "代表建议{number}“{title}”将于{due}到期，请抓紧答复。"),
    ("suggestion_red_handler", "代表建议逾期（承办单位站内）", "in_app",
     "代表建议{number}“{title}”已超过答复期限（{due}），请尽快答复。"),
    ("suggestion_yellow_liaison", "代表建议临期（联工委站内）", "in_app",
     "代表建议{number}“{title}”将于{due}到期，尚未答复：{department}。"),
    ("suggestion_red_liaison", "代表建议逾期（联工委站内）", "in_app",
     "代表建议{number}“{title}”已超过答复期限（{due}），尚未答复：{department}。"),
    ("suggestion_overdue", "代表建议逾期（代表短信）", "sms",
     "您领衔的建议“{title}”（编号{number}）已超过答复期限（{due}），人大常委会联工委正在督办。"),
]
CODES = tuple(code for code, *_ in TEMPLATES)


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, name, channel, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "channel": channel, "body": body}
        )


def backward(apps, schema_editor):
    apps.get_model("notify", "MessageTemplate").objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0014_monthly_report_notice")]

    operations = [migrations.RunPython(seed, backward)]
