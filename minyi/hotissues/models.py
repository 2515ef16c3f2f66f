"""热点问题 (issue 12): the topics of a selection of orders and 码上找代表 messages, grouped by
``minyi.textmine.topics.group`` and kept as one ``TopicRun`` per selection and data version, so a
page view reads a stored result instead of grouping ten thousand texts again.

A run is keyed by the selection (period, filters, and the audience: what the viewer's role may
read) and the data version (how many rows the selection holds and the last event folded into
them): a new order or event makes a new version, and the page shows the last finished run of the
same selection while the new one is computed.
"""

from __future__ import annotations

from django.db import models


class RunState(models.TextChoices):
    PENDING = "pending", "计算中"
    READY = "ready", "已完成"
    FAILED = "failed", "计算失败"


class TopicRun(models.Model):
    key = models.CharField("筛选键", max_length=64)
    version = models.CharField("数据版本", max_length=64)
    params = models.JSONField("筛选条件", default=dict)
    state = models.CharField(
        "状态", max_length=16, choices=RunState.choices, default=RunState.PENDING
    )
    # {"topics": [...], "texts": n, "previous_texts": n} (minyi/hotissues/services.py)
    result = models.JSONField("分组结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "热点分组"
        verbose_name_plural = "热点分组"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="hotissues_run_key_version")
        ]
        indexes = [
            models.Index(fields=["key", "state", "-finished_at"], name="hot_run_key"),
            models.Index(fields=["created_at"], name="hot_run_created"),
        ]

    def __str__(self) -> str:
        return f"热点分组 {self.pk}"
