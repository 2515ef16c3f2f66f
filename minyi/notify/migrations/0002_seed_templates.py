"""The message texts the issue lists; administrators edit them in the admin afterwards.

The list holds today's texts (the tests seed from it); a database seeded before a text changed
or was added is brought in line by a later migration (0003_escalation_text)."""

from django.db import migrations

TEMPLATES = [
    # code, name, channel, body
    ("order_accepted", "受理告知", "sms",
     "您好，您反映的“{title}”已由12345热线受理，工单编号{number}，办理结果将及时反馈给您。"),
    ("order_rejected", "不予受理告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）不予受理，理由：{reason}。{basis}。如有疑问请致电12345。"),
    ("order_escalated", "转代表建议告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）已转人大常委会联工委，将作为闭会期间代表建议交有关部门办理，办理情况将及时告知您。"),
    ("order_merged", "并单告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）与工单{master_number}为同一诉求，已并入该工单办理，不再重复派单。目前进度：{progress}。办理结果将及时告知您。"),
    ("reply_ready", "答复告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）已有办理答复，12345热线将对办理结果进行回访，感谢您的支持。"),
    ("callback_request", "回访未接通", "sms",
     "您好，12345热线就工单{number}（{title}）的办理情况回访，未能与您接通，请方便时回电12345。"),
    ("extension_approved", "延期告知", "sms",
     "您好，工单{number}（{title}）因办理需要已批准延期，将于{due}前办结答复，感谢您的理解。"),
    ("extension_denied", "按原时限办理告知", "sms",
     "您好，工单{number}（{title}）正在办理中，将于{due}前办结答复。"),
    ("warning_yellow_handler", "黄色预警（承办人）", "in_app",
     "【黄色预警】工单{number}“{title}”将于{due}到期，请抓紧办理。"),
    ("warning_red_handler", "红色超期（承办人）", "in_app",
     "【红色超期】工单{number}“{title}”已于{due}超期，已列入督办，请立即办理。"),
    ("warning_yellow_dispatcher", "黄色预警（派单员）", "in_app",
     "【黄色预警】工单{number}“{title}”（{department}）将于{due}到期。"),
    ("warning_red_dispatcher", "红色超期（派单员）", "in_app",
     "【红色超期】工单{number}“{title}”（{department}）已于{due}超期，请督办。"),
    # 跟踪督办 (issue 9 rule 6; orders/services/tracking.py), seeded by 0007_tracking_texts
    ("tracking_opened", "列入跟踪督办告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）{solved}，已列入跟踪督办，计划于{plan_due}前完成：{plan}。办理进展将及时告知您。"),
    ("tracking_progress", "跟踪督办进展告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）跟踪督办有新进展：{progress}。计划于{plan_due}前完成。"),
    ("tracking_done_deputy", "跟踪督办办结告知（代表，请确认）", "sms",
     "您好，您反映的“{title}”（工单编号{number}）承办单位报告已办结：{progress}。请登录人大代表工作台确认是否已解决，或致电12345告知。"),
    ("tracking_done", "跟踪督办办结告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）承办单位报告已办结：{progress}。12345热线将与您联系确认是否已解决。"),
    ("tracking_closed", "跟踪督办结束告知", "sms",
     "您好，您反映的“{title}”（工单编号{number}）已确认办结，跟踪督办结束，感谢您的支持。"),
    ("tracking_opened_handler", "列入跟踪督办（承办人）", "in_app",
     "【跟踪督办】工单{number}“{title}”已列入跟踪督办，请按计划于{plan_due}前办结，并及时报告进展。"),
    ("tracking_reopened_handler", "确认未办结（承办人）", "in_app",
     "【跟踪督办】工单{number}“{title}”经诉求人确认尚未办结，已退回继续办理，计划完成时间{plan_due}。"),
    ("tracking_remind_handler", "跟踪督办到期提醒（承办人）", "in_app",
     "【跟踪督办】工单{number}“{title}”计划于{plan_due}前完成，请按期办结并报告。"),
    ("tracking_overdue_handler", "跟踪督办逾期（承办人）", "in_app",
     "【跟踪督办】工单{number}“{title}”已超过计划完成时间{plan_due}，请尽快办结并报告。"),
    # 码上找代表 (minyi/mashang)
    ("mashang_sms_code", "码上找代表验证码", "sms",
     "【码上找代表】您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人。"),
    ("mashang_message_received", "码上找代表留言已收到", "sms",
     "【码上找代表】您给{deputy_name}代表的留言已收到，查询码{tracking_code}，"
     "可凭查询码和手机号查看办理进展。"),
    # 码上找代表, the deputy's side (minyi/mashang/services/handling.py, followup.py)
    ("mashang_answered", "码上找代表答复告知", "sms",
     "【码上找代表】{deputy_name}代表已答复您的留言（查询码{tracking_code}），请凭查询码和手机号查看。"),
    ("mashang_answered_by", "码上找代表答复告知（联络站、联络机构）", "sms",
     "【码上找代表】您给{deputy_name}代表的留言已由{by}答复（查询码{tracking_code}），请凭查询码和手机号查看。"),
    ("mashang_to_station", "选民留言转交联络站", "in_app",
     "【选民留言】{deputy_name}代表转来一条选民留言（查询码{tracking_code}），请及时处理。"),
    ("mashang_to_liaison", "选民留言转交联络机构", "in_app",
     "【选民留言】{deputy_name}代表的一条选民留言（查询码{tracking_code}）已转交市县人大联络机构，请及时处理。"),
    ("mashang_order_rejected", "转12345的留言不予受理", "in_app",
     "【选民留言】转12345的留言（查询码{tracking_code}，工单{number}）不予受理：{reason}。请查看依据并另行处理。"),
    ("mashang_order_escalated", "转12345的留言转为代表建议", "in_app",
     "【选民留言】转12345的留言（查询码{tracking_code}，工单{number}）已转为闭会期间代表建议，请告知群众。"),
    ("mashang_result", "转12345的留言已有办理结果", "in_app",
     "【选民留言】转12345的留言（查询码{tracking_code}，工单{number}）已办结，请据办理结果答复群众。"),
    # 码上找代表 reminders (minyi/mashang/services/reminders.py), seeded by 0010
    ("mashang_remind_deputy", "选民留言超期提醒（代表）", "sms",
     "【码上找代表】您{received}收到的选民留言（查询码{tracking_code}）已超过{days}个工作日未处理，请登录码上找代表及时答复。"),
    ("mashang_remind_deputy_notice", "选民留言超期提醒（代表站内）", "in_app",
     "【码上找代表】{received}收到的选民留言（查询码{tracking_code}）已超过{days}个工作日未处理，请及时答复。"),
    ("mashang_station_told", "选民留言超期告知（联络站）", "in_app",
     "【码上找代表】代表{received}收到的选民留言（查询码{tracking_code}）已超过{days}个工作日未处理，请联络站督促代表答复，详见“代表待处理”。"),
    # the monthly report (minyi/ledger/reports/services.py), seeded by 0014
    ("monthly_report_ready", "月度报告已生成（联工委站内）", "in_app",
     "{month}人大代表履职工作月度报告已生成，请查阅。"),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, name, channel, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "channel": channel, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
