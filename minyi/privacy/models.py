"""The personal-data access log (DESIGN §9): every full view of a person, by whom, where."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minyi.core import timefmt
from minyi.core.append_only import AppendOnlyModel


class Surface(models.TextChoices):
    """Where the full view happened."""

    WORKBENCH = "workbench", "工作台"
    API = "api", "接口"
    ADMIN = "admin", "管理后台"
    CONSOLE = "console", "接线工作台"


class PersonalDataAccess(AppendOnlyModel):
    """One row per full view of a person's data: who saw whose data, what, when, from where.

    Append-only; kept at least 6 months (DESIGN §9). The viewer is PROTECTed: users are
    deactivated, never deleted, so a row always says who looked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查看人",
        null=True,  # only rows written before users became undeletable lack one
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name="工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="personal_data_accesses",
    )
    subject = models.CharField(
        "查看对象", max_length=100, blank=True, help_text="工单以外的对象，如：来电、代表"
    )
    fields = models.CharField("查看内容", max_length=100, help_text="如：诉求人姓名、联系电话")
    surface = models.CharField(
        "查看位置", max_length=16, choices=Surface.choices, default=Surface.WORKBENCH
    )
    at = models.DateTimeField("查看时间")
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        db_table = "workbench_personaldataaccess"  # moved here from the workbench app
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["order", "-at"], name="pda_order_at"),
            models.Index(fields=["user", "-at"], name="pda_user_at"),
        ]

    def __str__(self) -> str:
        return f"{timefmt.local_text(self.at)} {self.user} 查看 {self.fields}"
