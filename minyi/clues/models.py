"""The clue library (线索库): recurring matters the liaison committee collects from the orders,
gives to a professional group (专业小组) to research (调研), and turns into a suggestion.

States: new → researching → suggested (转为代表建议) / closed. Every move, link, proposal decision
and note is a ``ClueEvent`` row (who, when, from, to, note).
"""

from __future__ import annotations

import os
import re
import secrets

from django.conf import settings
from django.db import models

TITLE_MAX = 100
SUMMARY_MAX = 2000
NOTE_MAX = 2000


class ClueStatus(models.TextChoices):
    NEW = "new", "新建"
    RESEARCHING = "researching", "调研中"
    SUGGESTED = "suggested", "已转代表建议"
    CLOSED = "closed", "已关闭"


OPEN_STATUSES = (ClueStatus.NEW, ClueStatus.RESEARCHING)


class ClueQuerySet(models.QuerySet):
    def open(self) -> ClueQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Clue(models.Model):
    title = models.CharField("标题", max_length=TITLE_MAX)
    summary = models.TextField("概述", max_length=SUMMARY_MAX, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ClueStatus.choices, default=ClueStatus.NEW
    )
    group = models.ForeignKey(
        "deputies.ProfessionalGroup",
        verbose_name="专业小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")
    # the suggestion it became (minyi.suggestions; a plain id: that app links back by clue_id)
    suggestion_ref = models.PositiveIntegerField("代表建议编号", null=True, blank=True)

    objects = ClueQuerySet.as_manager()

    class Meta:
        verbose_name = "线索"
        verbose_name_plural = "线索库"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="clue_status_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ClueOrder(models.Model):
    """An order linked to a clue (at creation, or a proposal accepted)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="links")
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name="工单", on_delete=models.PROTECT, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField("关联时间")

    class Meta:
        verbose_name = "线索关联工单"
        verbose_name_plural = "线索关联工单"
        constraints = [
            models.UniqueConstraint(fields=["clue", "order"], name="clue_order_unique"),
        ]

    def __str__(self) -> str:
        return f"线索 {self.clue_id} · 工单 {self.order_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    ACCEPTED = "accepted", "已关联"
    DISMISSED = "dismissed", "已忽略"


class ClueProposal(models.Model):
    """A new order like an open clue, found by the scan (``clue_proposals_scan``)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="proposals")
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name="工单", on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField("相似度")
    status = models.CharField(
        "状态", max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    created_at = models.DateTimeField("发现时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "线索关联建议"
        verbose_name_plural = "线索关联建议"
        constraints = [
            models.UniqueConstraint(fields=["clue", "order"], name="clue_proposal_unique"),
        ]

    def __str__(self) -> str:
        return f"线索 {self.clue_id} · 工单 {self.order_id}（{self.get_status_display()}）"


def note_file_path(instance: ClueNote, filename: str) -> str:
    """A name nobody can guess; the one users gave is kept only for display (``file_name``)."""
    extension = os.path.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", extension):
        extension = ""
    return f"clues/{instance.clue_id}/{secrets.token_urlsafe(16)}{extension}"


class ClueNote(models.Model):
    """调研记录: a group deputy's research note, with an optional file (checked as every upload,
    served only by the clue's download view after the visibility check)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("调研内容", max_length=NOTE_MAX)
    created_at = models.DateTimeField("记录时间")
    file = models.FileField("附件", upload_to=note_file_path, blank=True)
    file_name = models.CharField("附件名", max_length=200, blank=True)
    file_type = models.CharField("附件类型", max_length=100, blank=True)

    class Meta:
        verbose_name = "调研记录"
        verbose_name_plural = "调研记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"调研记录 {self.pk}"


class ClueEventKind(models.TextChoices):
    CREATED = "created", "创建线索"
    ASSIGNED = "assigned", "交专业小组"
    ORDER_LINKED = "order_linked", "关联工单"
    PROPOSAL_DISMISSED = "proposal_dismissed", "忽略关联建议"
    NOTE_ADDED = "note_added", "调研记录"
    RESEARCH_STARTED = "research_started", "开始调研"
    SUGGESTED = "suggested", "转为代表建议"
    CLOSED = "closed", "关闭"


class ClueEvent(models.Model):
    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=24, choices=ClueEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")
    from_status = models.CharField("原状态", max_length=16, choices=ClueStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=ClueStatus.choices)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "线索事件"
        verbose_name_plural = "线索事件"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ScanCursor(models.Model):
    """How far the proposal scan has read the orders (one row): the scan claims the next batch
    with a conditional update, so two workers never propose the same orders twice."""

    name = models.CharField(max_length=32, unique=True)
    last_order_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_order_id}"
