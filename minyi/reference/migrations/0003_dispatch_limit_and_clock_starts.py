"""The dispatch limit (受理 → 派单) and where each clock starts (DESIGN §3).

1. A ``dispatch`` stage (its clock starts at acceptance, ``accept``) and a default rule of 2
   working hours (韶山: "属于受理范围内的，依程序第一时间交办"), if no dispatch rule exists.
2. The seeded handling rules start at dispatch, when the department receives the order (常德:
   "承办单位在接收代表工单后5个工作日内办结"); a rule an administrator wrote keeps its choice.
3. Sign-for and return count from dispatch (the code never read another start for them).
4. A constraint keeps each stage's start to the ones it may have (the next migration: on
   PostgreSQL a table cannot be altered in the transaction that wrote its rows).
"""

from django.db import migrations, models

# The suffix 0002 gave the notes of the rules it seeded.
SEEDED = "（《湖南省12345政务服务热线运行规范》；衡阳、常德做法）"
DISPATCH_NOTE = "属于受理范围内的，依程序第一时间交办：受理后2个工作小时内派单（韶山做法）"


def seed(apps, schema_editor):
    TimeLimitRule = apps.get_model("reference", "TimeLimitRule")
    TimeLimitRule.objects.filter(stage__in=["sign", "return"]).update(clock_start="dispatch")
    TimeLimitRule.objects.filter(stage="handle", clock_start="sign", note__endswith=SEEDED).update(
        clock_start="dispatch"
    )
    TimeLimitRule.objects.filter(stage="handle").exclude(
        clock_start__in=["dispatch", "sign"]
    ).update(clock_start="dispatch")
    if not TimeLimitRule.objects.filter(stage="dispatch").exists():
        TimeLimitRule.objects.create(
            stage="dispatch",
            amount=2,
            unit="working_hours",
            clock_start="accept",
            note=DISPATCH_NOTE,
        )


def backwards(apps, schema_editor):
    TimeLimitRule = apps.get_model("reference", "TimeLimitRule")
    TimeLimitRule.objects.filter(stage="dispatch").delete()
    TimeLimitRule.objects.filter(stage="handle", note__endswith=SEEDED).update(clock_start="sign")


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_seed_policy"),
    ]

    operations = [
        migrations.AlterField(
            model_name="timelimitrule",
            name="clock_start",
            field=models.CharField(
                choices=[
                    ("accept", "受理时起算"),
                    ("dispatch", "派单时起算"),
                    ("sign", "签收时起算"),
                ],
                default="dispatch",
                help_text="派单时限自受理起算；签收、退件时限自派单（承办单位收到工单）起算；办结时限默认自派单起算，可改为自签收起算",
                max_length=16,
                verbose_name="起算点",
            ),
        ),
        migrations.AlterField(
            model_name="timelimitrule",
            name="stage",
            field=models.CharField(
                choices=[
                    ("dispatch", "派单"),
                    ("sign", "签收"),
                    ("return", "退件"),
                    ("handle", "办结答复"),
                ],
                max_length=16,
                verbose_name="环节",
            ),
        ),
        migrations.RunPython(seed, backwards),
    ]
