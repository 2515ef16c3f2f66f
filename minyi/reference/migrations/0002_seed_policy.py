"""Reference data every installation needs: request types, the default time-limit policy
(DESIGN §3) and the out-of-scope reasons (DESIGN §5). Administrators edit them afterwards."""

from django.db import migrations

REQUEST_TYPES = [
    ("consult", "咨询", False), ("help", "求助", False), ("suggest", "建议", False), ("criticize", "批评", False),
    ("complain", "投诉", False), ("report", "举报", True), ("praise", "表扬", False), ("urgent", "紧急", False),
]

RULE_BASIS = "《湖南省12345政务服务热线运行规范》；衡阳、常德做法"

SCOPE = "依据《湖南省12345政务服务热线运行规范》，"
REASONS = [
    ("out_of_jurisdiction", "不属于本级热线管辖范围",
     SCOPE + "所反映的问题不属于本级12345热线所界定的行政职权管辖范围，请向有管辖权的机关反映。"),
    ("military", "涉及军队、武警管辖事项",
     SCOPE + "涉及军队、武警管辖的事项不属于12345热线受理范围，请向军队、武警有关单位反映。"),
    ("legal_procedure", "须经诉讼、仲裁、纪检监察、行政复议、信息公开或已进入信访渠道",
     SCOPE + "须通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等法定程序解决的事项，以及已进入信访渠道的事项，"
     "不属于12345热线受理范围，请通过相应法定途径办理。"),
    ("secrets", "涉及国家秘密、商业秘密、个人隐私",
     SCOPE + "涉及国家秘密、商业秘密、个人隐私的事项不属于12345热线受理范围。"),
    ("illegal", "违反法律法规或公序良俗",
     SCOPE + "涉及违反法律法规和社会公序良俗的事项不予受理。"),
    ("vague", "内容不具体，无法办理和答复",
     SCOPE + "反映的内容不具体，无法办理和答复。请补充何时、何地、何人、何事、前期处理情况及具体诉求后再次反映。"),
    ("duplicate", "同一事项已受理或已办结且无新情况、新理由",
     SCOPE + "同一服务对象的同一事项已经受理、正在办理，或已依法办理完毕且无新情况、新理由的，不再重复受理。"),
    ("emergency", "应由110、119、120、122等紧急专线受理",
     SCOPE + "该事项应由110、119、120、122等紧急服务专线受理，已为您转接或请立即拨打相应号码。"),
    ("party_congress_cppcc", "属于党委、人大、政协管辖范围",
     SCOPE + "属于党委、人大、政协管辖范围的事项不属于12345热线受理范围，可通过人大代表联络机构等渠道反映。"),
]


def seed(apps, schema_editor):
    RequestType = apps.get_model("reference", "RequestType")
    TimeLimitRule = apps.get_model("reference", "TimeLimitRule")
    ScopeReason = apps.get_model("reference", "ScopeReason")
    types = {}
    for sort, (code, name, is_report) in enumerate(REQUEST_TYPES):
        types[code], _ = RequestType.objects.get_or_create(code=code, defaults={"name": name, "is_report": is_report, "sort": sort})
    if not TimeLimitRule.objects.exists():
        rules = [
            dict(stage="sign", amount=24, unit="working_hours", clock_start="dispatch", note="工作日24小时内签收"),
            dict(stage="return", amount=1, unit="working_days", clock_start="dispatch", note="自收到转办工单之日起1个工作日内申请退回"),
            dict(stage="handle", amount=5, unit="working_days", clock_start="sign", note="求助、建议、批评、投诉、举报类5个工作日内办结"),
            dict(stage="handle", request_type=types["consult"], amount=3, unit="working_days", clock_start="sign", priority=10, note="咨询类3个工作日内办结"),
            dict(stage="handle", complexity="complex", amount=10, unit="working_days", clock_start="sign", priority=20, note="情况复杂、难度较大的10个工作日内办结（常德）"),
            dict(stage="handle", request_type=types["urgent"], amount=1, unit="working_days", clock_start="sign", priority=30, note="紧急类1个工作日内办结"),
            dict(stage="handle", urgency="urgent", amount=1, unit="working_days", clock_start="sign", priority=30, note="紧急事项1个工作日内办结"),
        ]
        for rule in rules:
            rule["note"] = f"{rule['note']}（{RULE_BASIS}）"[:200]
            TimeLimitRule.objects.create(**rule)
    for sort, (code, title, basis) in enumerate(REASONS):
        ScopeReason.objects.get_or_create(code=code, defaults={"title": title, "basis": basis, "sort": sort})


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
