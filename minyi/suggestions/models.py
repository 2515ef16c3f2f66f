"""Intersession deputy suggestions (闭会期间代表建议) the liaison committee (联工委) takes on.

An order the hotline cannot settle — too complex (涉及面广、办理难度大、耗时长), or not the
hotline's (不予受理) — is escalated; the suggestion waits in the committee's queue. Its lifecycle
after 待处理 (hand-over to departments, the clue library) comes with a later issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minyi.orders.models import Status as OrderStatus


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "待处理"


class Suggestion(models.Model):
    order = models.OneToOneField(
        "orders.WorkOrder", on_delete=models.PROTECT, related_name="suggestion", verbose_name="工单"
    )
    # the order's state when escalated: an open order, or one not accepted (不予受理)
    from_status = models.CharField("转出时工单状态", max_length=16, choices=OrderStatus.choices)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="转办人",
    )
    escalated_at = models.DateTimeField("转办时间")
    note = models.TextField("转为代表建议的理由")
    status = models.CharField(
        "状态",
        max_length=16,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )

    class Meta:
        verbose_name = "闭会期间代表建议"
        verbose_name_plural = "闭会期间代表建议"
        indexes = [models.Index(fields=["status", "-escalated_at"], name="suggestion_queue")]

    def __str__(self) -> str:
        return f"代表建议（工单 {self.order.number}）"
