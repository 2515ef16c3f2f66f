# The access log moves here from the workbench app; the table stays where it is.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("orders", "0003_sla_scan_window"),
        ("workbench", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PersonalDataAccess",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("fields", models.CharField(help_text="如：诉求人姓名、联系电话", max_length=100, verbose_name="查看内容")),
                        ("at", models.DateTimeField(verbose_name="查看时间")),
                        ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP 地址")),
                        ("order", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="personal_data_accesses", to="orders.workorder", verbose_name="工单")),
                        ("user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="查看人")),
                    ],
                    options={
                        "db_table": "workbench_personaldataaccess",
                        "verbose_name": "个人信息查看记录",
                        "verbose_name_plural": "个人信息查看记录",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["order", "-at"], name="pda_order_at"), models.Index(fields=["user", "-at"], name="pda_user_at")],
                    },
                ),
            ],
        ),
    ]
