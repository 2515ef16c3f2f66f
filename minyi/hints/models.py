"""Routing hints (issue 12): the trained models and what became of each hint.

``HintModel`` is one training run for one kind (category or lead department): its version, the
sample it saw, its held-out accuracy and the fitted pipeline (joblib bytes, signed with the
secret key so a row written by anything but ``model_train`` is never unpickled).
``HintOutcome`` is one decision the hint was offered for: what it suggested, what the person chose
and at which rank — append-only, the accuracy page folds them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def percent(share: float, digits: int = 0) -> str:
    """0.834 → "83%" (digits=1: "83.4%")."""
    number = round(share * 100, digits) if digits else round(share * 100)
    return f"{number}%"


class HintKind(models.TextChoices):
    CATEGORY = "category", "诉求分类"
    DEPARTMENT = "department", "主办单位"


class HintModel(models.Model):
    kind = models.CharField("类型", max_length=16, choices=HintKind.choices)
    version = models.PositiveIntegerField("版本")
    trained_at = models.DateTimeField("训练时间")
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="训练人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sample_size = models.PositiveIntegerField("样本数")
    label_count = models.PositiveIntegerField("类别数")
    heldout_size = models.PositiveIntegerField("留出样本数")
    heldout_top1 = models.FloatField("留出集首选准确率")
    heldout_top3 = models.FloatField("留出集前三准确率")
    seconds = models.FloatField("训练耗时（秒）", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    payload = models.BinaryField("模型")
    signature = models.CharField("签名", max_length=64)

    class Meta:
        verbose_name = "提示模型"
        verbose_name_plural = "提示模型"
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="hint_model_kind_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def top1_text(self) -> str:
        return percent(self.heldout_top1)

    @property
    def top3_text(self) -> str:
        return percent(self.heldout_top3)


class HintOutcome(models.Model):
    """One decision with the hint offered for it (append-only)."""

    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name="工单", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=HintKind.choices)
    # [[label id, confidence], …] best first, at most three
    suggested = models.JSONField("提示前三", default=list)
    chosen = models.PositiveBigIntegerField("实际选择")
    rank = models.PositiveSmallIntegerField("选择在提示中的名次", null=True, blank=True)
    model_version = models.PositiveIntegerField("模型版本")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "提示采纳记录"
        verbose_name_plural = "提示采纳记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="hint_outcome_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.rank or '未命中'}"
