"""码上找代表: the public code of a deputy (per person, all their mandates) or a liaison station.

A code is short, unguessable and stable: printed on a card as a QR code, it stays valid until the
card is lost and the code regenerated (``services.code_regenerate``); a retired code keeps its row
(``is_active`` false, ``retired_at``) and its page answers 404 with a friendly page.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# Lower-case letters and digits without the ones read for each other (0/o, 1/l/i).
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10


class MashangCode(models.Model):
    code = models.CharField("码", max_length=16, unique=True)
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="代表",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mashang_codes",
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        verbose_name="联络站",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mashang_codes",
    )
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("生成时间")
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "码上找代表二维码"
        verbose_name_plural = "码上找代表二维码"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(deputy__isnull=False) & Q(station__isnull=True))
                | (Q(deputy__isnull=True) & Q(station__isnull=False)),
                name="mashang_code_one_owner",
            ),
            models.UniqueConstraint(
                fields=["deputy"], condition=Q(is_active=True), name="mashang_one_active_per_deputy"
            ),
            models.UniqueConstraint(
                fields=["station"],
                condition=Q(is_active=True),
                name="mashang_one_active_per_station",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def owner(self):
        return self.deputy or self.station

    @property
    def kind(self) -> str:
        """`deputy` or `station` (the command's first column)."""
        return "deputy" if self.deputy_id else "station"

    @property
    def path(self) -> str:
        return f"/m/{self.code}"


# -- 选民留言: a citizen's message to a deputy --------------------------------------------------

# What the form and the API state as the limit, and the service enforces.
CONTENT_MAX = 1000
NAME_MAX = 32
PHOTOS_MAX = 3
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10


class Holder(models.TextChoices):
    """Who must act on a message now."""

    DEPUTY = "deputy", "代表"
    STATION = "station", "联络站"
    LIAISON = "liaison", "市县人大联络机构"


class MessageStatus(models.TextChoices):
    OPEN = "open", "待处理"
    FORWARDED = "forwarded", "已转12345办理"
    RESULT = "result", "12345已反馈，待答复"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已关闭"


# A message nobody needs to act on any more.
MESSAGE_DONE = frozenset({MessageStatus.ANSWERED, MessageStatus.CLOSED})


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Message(models.Model):
    """选民留言. The citizen's fields (``content``, ``name``, ``phone``) are personal data: shown
    as ``minyi.mashang.privacy`` allows (never the full phone to a deputy or station), scrubbed
    by the retention job a configurable time after closing (``scrubbed_at``)."""

    tracking_code = models.CharField("查询码", max_length=16, unique=True)
    via = models.ForeignKey(
        MashangCode,
        verbose_name="扫码来源",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name="代表", on_delete=models.PROTECT, related_name="messages"
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        verbose_name="联络站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        help_text="留言扫码所在的联络站，或代表所在的联络站",
    )
    holder = models.CharField("当前办理方", max_length=16, choices=Holder.choices, default=Holder.DEPUTY)
    status = models.CharField(
        "状态", max_length=16, choices=MessageStatus.choices, default=MessageStatus.OPEN
    )
    content = models.TextField("留言内容")
    content_digest = models.CharField("内容摘要值", max_length=64, db_index=True)
    name = models.CharField("留言人", max_length=NAME_MAX, blank=True)
    is_anonymous = models.BooleanField("匿名", default=False)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    consent_at = models.DateTimeField("同意隐私告知时间", null=True, blank=True)
    # the sender's address as a keyed hash, for the per-address limit (never the address itself)
    ip_digest = models.CharField("来源地址摘要", max_length=64, blank=True)
    repeats = models.PositiveIntegerField("重复提交次数", default=0)
    order = models.ForeignKey(
        "orders.WorkOrder",
        verbose_name="转办工单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    answer = models.TextField("答复内容", blank=True)
    flagged = models.BooleanField("恶意留言", default=False)
    rating_answered = models.BooleanField("代表是否答复", null=True, blank=True)
    rating = models.CharField("评价", max_length=16, choices=Rating.choices, blank=True)
    created_at = models.DateTimeField("留言时间", db_index=True)
    updated_at = models.DateTimeField("更新时间")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    deputy_reminded_at = models.DateTimeField("提醒代表时间", null=True, blank=True)
    station_told_at = models.DateTimeField("告知联络站时间", null=True, blank=True)
    scrubbed_at = models.DateTimeField("个人信息清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "选民留言"
        verbose_name_plural = "选民留言"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["deputy", "status", "created_at"], name="mashang_msg_deputy"),
            models.Index(fields=["station", "holder", "status"], name="mashang_msg_station"),
            models.Index(fields=["phone", "created_at"], name="mashang_msg_phone"),
            models.Index(fields=["ip_digest", "created_at"], name="mashang_msg_ip"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_done(self) -> bool:
        return self.status in MESSAGE_DONE


def photo_path(instance: MessagePhoto, filename: str) -> str:
    import os
    import re
    import secrets

    extension = os.path.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", extension):
        extension = ""
    return f"mashang/{instance.message_id}/{secrets.token_urlsafe(16)}{extension}"


class MessagePhoto(models.Model):
    """A photo the citizen attached: checked and re-encoded by ``minyi.uploads`` (no GPS, no
    metadata), served only after the visibility check."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=photo_path)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "留言照片"
        verbose_name_plural = "留言照片"
        ordering = ["id"]


class MessageEventKind(models.TextChoices):
    CREATED = "created", "留言"
    REPEATED = "repeated", "重复提交（并入原留言）"
    VIEWED = "viewed", "代表已阅"
    ANSWERED = "answered", "答复"
    TO_STATION = "to_station", "转交联络站"
    TO_LIAISON = "to_liaison", "转交市县人大联络机构"
    FORWARDED = "forwarded", "转12345"
    ORDER_REJECTED = "order_rejected", "12345不予受理"
    ORDER_ESCALATED = "order_escalated", "12345转为闭会期间代表建议"
    ORDER_MERGED = "order_merged", "12345工单并入其他工单"
    RESULT = "result", "12345办理结果"
    CLOSED = "closed", "关闭"
    FLAGGED = "flagged", "标记为恶意留言"
    RATED = "rated", "群众评价"
    DEPUTY_REMINDED = "deputy_reminded", "提醒代表"
    STATION_TOLD = "station_told", "超期告知联络站"
    SCRUBBED = "scrubbed", "清除个人信息"


class MessageEvent(models.Model):
    """One change of a message (DESIGN §7). Rows are never deleted; ``text`` (an answer, a note)
    is blanked by the retention job with the message's personal fields, the rest stays."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("类型", max_length=24, choices=MessageEventKind.choices)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    holder = models.CharField(max_length=16, blank=True)
    text = models.TextField("内容", blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "留言记录"
        verbose_name_plural = "留言记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message_id}"


class SmsCodePurpose(models.TextChoices):
    MESSAGE = "message", "留言验证"
    LOGIN = "login", "代表登录"


class SmsCode(models.Model):
    """A 6-digit SMS code: only its keyed hash is stored (``minyi.mashang.services.verification``),
    never the code; the phone and the sender's address are kept as keyed hashes too, for the
    limits. Pruned by housekeeping."""

    purpose = models.CharField(max_length=16, choices=SmsCodePurpose.choices)
    phone_digest = models.CharField(max_length=64)
    ip_digest = models.CharField(max_length=64, blank=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [
            models.Index(fields=["phone_digest", "created_at"], name="mashang_smscode_phone"),
            models.Index(fields=["ip_digest", "created_at"], name="mashang_smscode_ip"),
        ]


class BlockedPhone(models.Model):
    """A number station staff blocked from leaving messages (abuse); audited by its own fields
    and a ``MessageEvent`` on the message that caused it. Lifting keeps the row."""

    phone_digest = models.CharField(max_length=64, db_index=True)
    phone_masked = models.CharField("号码", max_length=20)
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        verbose_name="联络站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.ForeignKey(
        Message, verbose_name="起因留言", null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField("理由", max_length=200)
    blocked_by = models.ForeignKey(
        "accounts.User", verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    blocked_at = models.DateTimeField("屏蔽时间")
    lifted_by = models.ForeignKey(
        "accounts.User",
        verbose_name="解除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)

    class Meta:
        verbose_name = "屏蔽号码"
        verbose_name_plural = "屏蔽号码"
        ordering = ["-blocked_at"]
