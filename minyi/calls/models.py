"""Calls from the PBX (CTI webhook): tokens, agent extensions, one log per call and the raw
events that built it (DESIGN §2.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CtiToken(models.Model):
    """A Bearer token the PBX presents. Only a SHA-256 digest is stored; the token itself is
    shown once, when it is created (``manage.py cti_token create NAME`` or the admin)."""

    name = models.CharField("名称", max_length=64, unique=True, help_text="如：主呼叫中心 PBX")
    prefix = models.CharField("令牌前缀", max_length=8, help_text="仅用于辨认，不是密钥")
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "CTI 接口令牌"
        verbose_name_plural = "CTI 接口令牌"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class AgentMapping(models.Model):
    """A PBX extension (坐席分机) and the operator who sits at it."""

    extension = models.CharField("分机号", max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="话务员",
        on_delete=models.CASCADE,
        related_name="extensions",
    )

    class Meta:
        verbose_name = "坐席分机"
        verbose_name_plural = "坐席分机"
        ordering = ["extension"]

    def __str__(self) -> str:
        return f"{self.extension} → {self.user}"


class CallStatus(models.TextChoices):
    RINGING = "ringing", "正在振铃"
    ANSWERED = "answered", "已接听"
    ENDED = "ended", "已结束"
    MISSED = "missed", "未接"


class CallLogQuerySet(models.QuerySet):
    def missed_deputy_open(self):
        """Missed calls from a registered deputy that nobody has called back yet (the filter
        matches the partial index ``call_missed_deputy_open``)."""
        return self.filter(
            status=CallStatus.MISSED, deputy__isnull=False, callback_done_at__isnull=True
        )


class CallLog(models.Model):
    """One call, keyed by the PBX's call id. The status follows from which of the three moments
    are known (rang, answered, ended), so events arriving out of order still land right."""

    call_id = models.CharField("呼叫标识", max_length=64, unique=True)
    caller_raw = models.CharField(
        "主叫原始号码", max_length=64, blank=True, help_text="PBX 发送的原样号码"
    )
    caller = models.CharField(
        "主叫号码", max_length=20, blank=True, help_text="E.164；隐藏号码或短号为空"
    )
    called = models.CharField("被叫号码", max_length=32, blank=True)
    agent_raw = models.CharField("坐席（原始）", max_length=64, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="话务员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="识别代表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    status = models.CharField(
        "状态", max_length=16, choices=CallStatus.choices, default=CallStatus.RINGING
    )
    started_at = models.DateTimeField("来电时间", help_text="已知最早的时刻（通常是振铃）")
    rang_at = models.DateTimeField("振铃时间", null=True, blank=True)
    answered_at = models.DateTimeField("接听时间", null=True, blank=True)
    ended_at = models.DateTimeField("挂机时间", null=True, blank=True)
    ring_seconds = models.PositiveIntegerField("振铃时长（秒）", null=True, blank=True)
    talk_seconds = models.PositiveIntegerField("通话时长（秒）", null=True, blank=True)
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name="关联工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    callback_done_at = models.DateTimeField("回拨时间", null=True, blank=True)
    callback_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回拨人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    callback_note = models.TextField("回拨说明", blank=True)

    objects = CallLogQuerySet.as_manager()

    class Meta:
        verbose_name = "来电记录"
        verbose_name_plural = "来电记录"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="call_started"),
            models.Index(fields=["caller", "-started_at"], name="call_caller_started"),
            models.Index(fields=["agent", "-started_at"], name="call_agent_started"),
            models.Index(fields=["deputy", "-started_at"], name="call_deputy_started"),
            # The callback to-do list: small, so a partial index keeps it cheap to scan.
            models.Index(
                fields=["-started_at"],
                name="call_missed_deputy_open",
                condition=models.Q(
                    status="missed", deputy__isnull=False, callback_done_at__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.call_id

    @property
    def is_callback_todo(self) -> bool:
        return (
            self.status == CallStatus.MISSED
            and self.deputy_id is not None
            and self.callback_done_at is None
        )


class CallEventKind(models.TextChoices):
    RING = "ring", "振铃"
    ANSWER = "answer", "接听"
    HANGUP = "hangup", "挂机"
    ORDER_LINKED = "order_linked", "关联工单"
    CALLBACK_DONE = "callback_done", "已回拨"


PBX_EVENTS = (CallEventKind.RING, CallEventKind.ANSWER, CallEventKind.HANGUP)


class CallEvent(models.Model):
    """Append-only: one row per webhook event received (retries included, flagged
    ``duplicate``) and per action an operator took on the call."""

    call = models.ForeignKey(CallLog, on_delete=models.CASCADE, related_name="events")
    event = models.CharField("事件", max_length=16, choices=CallEventKind.choices)
    at = models.DateTimeField("发生时间")
    received_at = models.DateTimeField("接收时间")
    duplicate = models.BooleanField("重复推送", default=False)
    payload = models.JSONField("内容", default=dict, blank=True)
    token = models.ForeignKey(
        CtiToken,
        verbose_name="令牌",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "来电事件"
        verbose_name_plural = "来电事件"
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.event}"
