"""Notifications: editable message templates, the outbox, and in-app notices.

An outbox row is written in the same transaction as the order event that causes it
(``rules.py`` decides which), then sent by the background worker (``services.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minyi.core import timefmt
from minyi.reference.snapshots import KeptQuerySet


class MessageChannel(models.TextChoices):
    SMS = "sms", "短信"
    IN_APP = "in_app", "站内通知"


class MessageTemplate(models.Model):
    """A message text administrators edit. ``{placeholders}`` are filled from the order."""

    code = models.SlugField("代码", max_length=48, unique=True)
    name = models.CharField("名称", max_length=64)
    channel = models.CharField(
        "渠道", max_length=8, choices=MessageChannel.choices, default=MessageChannel.SMS
    )
    body = models.TextField("内容", help_text="可用占位符见下方说明，如 {number}")
    provider_template_code = models.CharField(
        "短信平台模板 ID",
        max_length=64,
        blank=True,
        help_text="在短信服务商处审核通过的模板 ID；参数按下方占位符顺序传入",
    )
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # kept in memory by every process (reference.snapshots): its writes say so
    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = "消息模板"
        verbose_name_plural = "消息模板"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class OutboxMessage(models.Model):
    """One message to deliver, exactly once: the key is passed to the provider, and a worker
    holds a row only for its lease (``services.outbox_send``)."""

    idempotency_key = models.CharField("幂等键", max_length=160, unique=True)
    channel = models.CharField("渠道", max_length=8, choices=MessageChannel.choices)
    recipient_phone = models.CharField("接收号码", max_length=20, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收用户",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    template_code = models.CharField("模板", max_length=48)
    params = models.JSONField("参数", default=dict, blank=True)
    body = models.TextField("内容")
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name="工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "orders.OrderEvent",
        verbose_name="来源事件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 码上找代表: the citizen's message a text is about (a notice then opens it)
    mashang_message = models.ForeignKey(
        "mashang.Message",
        verbose_name="选民留言",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    lease_until = models.DateTimeField("占用至", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    provider_message_id = models.CharField("服务商消息 ID", max_length=128, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发消息"
        verbose_name_plural = "消息发件箱"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(channel="sms", recipient_phone__gt="")
                    | models.Q(channel="in_app", recipient_user__isnull=False)
                ),
                name="outbox_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template_code} {self.get_status_display()}"


class Notice(models.Model):
    """An in-app notice: what an ``in_app`` outbox row becomes when it is delivered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notices",
    )
    text = models.TextField("内容")
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name="工单",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    mashang_message = models.ForeignKey(
        "mashang.Message",
        verbose_name="选民留言",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.OneToOneField(
        OutboxMessage,
        verbose_name="发件箱消息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice",
    )
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return self.text[:40]


class WarningCursor(models.Model):
    """One row: up to when the warning events the SLA scan writes in bulk (outside
    ``record_event``) have been turned into notices (``services.warning_notices_collect``)."""

    collected_until = models.DateTimeField("已处理至")

    class Meta:
        verbose_name = "预警通知进度"
        verbose_name_plural = "预警通知进度"

    def __str__(self) -> str:
        return timefmt.local_text(self.collected_until, seconds=True)
