"""The personal-data access log (DESIGN §9): every reveal of a requester's full name or number."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PersonalDataAccess(models.Model):
    """One row per "查看完整信息": who saw which order's personal data, what, when, from where.

    Append-only like the order ledger; kept at least 6 months (DESIGN §9)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="查看人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name="工单",
        on_delete=models.CASCADE,
        related_name="personal_data_accesses",
    )
    fields = models.CharField("查看内容", max_length=100, help_text="如：诉求人姓名、联系电话")
    at = models.DateTimeField("查看时间")
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["order", "-at"], name="pda_order_at"),
            models.Index(fields=["user", "-at"], name="pda_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} 查看 {self.fields}"
