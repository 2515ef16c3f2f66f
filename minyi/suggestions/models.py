"""Intersession deputy suggestions (闭会期间代表建议) the liaison committee (联工委) takes on.

A suggestion comes from an order the hotline cannot settle (escalated: too complex, or not the
hotline's), from a clue of the clue library, or from a deputy. The committee reviews it (立案 /
退回代表 / 不予立案) and hands it to departments (主办 one, 协办 any); the departments reply within
the limit (``SuggestionPolicy``); the lead deputy (领衔代表) evaluates; 不满意 starts a second
reply by the lead department, then a final evaluation. Every move is a ``SuggestionEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from minyi.core import timefmt
from minyi.core.append_only import AppendOnlyModel
from minyi.orders.models import Status as OrderStatus

MAX_LIMIT_MONTHS = 6


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "待处理"  # submitted, awaiting the committee's review
    RETURNED = "returned", "退回代表"
    NOT_ADOPTED = "not_adopted", "不予立案"
    ACCEPTED = "accepted", "已立案"
    ASSIGNED = "assigned", "已交办"
    REPLIED = "replied", "已答复"
    SECOND_ROUND = "second_round", "再次办理"
    CLOSED = "closed", "已办结"


# a running reply deadline in these states
RUNNING = (SuggestionStatus.ASSIGNED, SuggestionStatus.SECOND_ROUND)


class SuggestionSource(models.TextChoices):
    ORDER = "order", "12345工单转办"
    CLUE = "clue", "线索库"
    DEPUTY = "deputy", "代表提出"


class Evaluation(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class SuggestionWarning(models.TextChoices):
    NONE = "", "正常"
    YELLOW = "yellow", "临期"
    RED = "red", "逾期"


class Suggestion(models.Model):
    title = models.CharField("标题", max_length=200, blank=True)
    content = models.TextField("建议内容", blank=True)
    source = models.CharField(
        "来源", max_length=16, choices=SuggestionSource.choices, default=SuggestionSource.ORDER
    )
    order = models.OneToOneField(
        "orders.WorkOrder",
        on_delete=models.PROTECT,
        related_name="suggestion",
        verbose_name="工单",
        null=True,
        blank=True,
    )
    # the clue app links back; an integer until it lands (helper "clues")
    clue_id = models.PositiveIntegerField("线索编号", null=True, blank=True, db_index=True)
    # the order's state when escalated: an open order, or one not accepted (不予受理)
    from_status = models.CharField(
        "转出时工单状态", max_length=16, choices=OrderStatus.choices, blank=True
    )
    lead_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="领衔代表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_suggestions",
    )
    cosigners = models.ManyToManyField(
        "deputies.Deputy", verbose_name="附议代表", blank=True, related_name="cosigned_suggestions"
    )
    # who brought it in (the escalating officer, the liaison officer, the deputy) and when
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提交人",
    )
    escalated_at = models.DateTimeField("提交时间")
    note = models.TextField("转为代表建议的理由", blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    round = models.PositiveSmallIntegerField("办理轮次", default=0)
    due_on = models.DateField("答复期限", null=True, blank=True, help_text="北京时间日期（含）")
    warning = models.CharField(
        "预警", max_length=8, choices=SuggestionWarning.choices, default="", blank=True
    )
    evaluation = models.CharField("代表评价", max_length=16, choices=Evaluation.choices, blank=True)
    final_evaluation = models.CharField(
        "再次答复后评价", max_length=16, choices=Evaluation.choices, blank=True
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "闭会期间代表建议"
        verbose_name_plural = "闭会期间代表建议"
        indexes = [
            models.Index(fields=["status", "-escalated_at"], name="suggestion_queue"),
            models.Index(fields=["status", "due_on"], name="suggestion_due"),
        ]

    def __str__(self) -> str:
        if self.order_id:
            return f"代表建议（工单 {self.order.number}）"
        return f"代表建议 {self.pk}：{self.title}"

    @property
    def shown_number(self) -> str:
        return f"JY{self.pk:06d}"


class SuggestionRole(models.TextChoices):
    LEAD = "lead", "主办"
    ASSIST = "assist", "协办"


class SuggestionAssignment(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="assignments", verbose_name="代表建议"
    )
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        related_name="suggestion_assignments",
        verbose_name="承办单位",
    )
    role = models.CharField("承办方式", max_length=8, choices=SuggestionRole.choices)
    assigned_at = models.DateTimeField("交办时间")

    class Meta:
        verbose_name = "代表建议承办单位"
        verbose_name_plural = "代表建议承办单位"
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "department"], name="suggestion_department_once"
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(role="lead"),
                name="suggestion_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department}（{self.get_role_display()}）"


class SuggestionReply(models.Model):
    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="replies", verbose_name="代表建议"
    )
    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="+", verbose_name="答复单位"
    )
    round = models.PositiveSmallIntegerField("办理轮次")
    content = models.TextField("答复内容")
    attachment = models.FileField("附件", upload_to="suggestions/%Y/%m/", blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)
    # the type detected on upload (minyi.uploads); the download serves exactly this
    attachment_type = models.CharField("附件类型", max_length=100, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="答复人"
    )
    replied_at = models.DateTimeField("答复时间")
    on_time = models.BooleanField("按期答复", default=True)

    class Meta:
        verbose_name = "代表建议答复"
        verbose_name_plural = "代表建议答复"
        ordering = ["replied_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "department", "round"], name="suggestion_reply_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} 第{self.round}轮答复"


class SuggestionPolicy(models.Model):
    """One row the system administrator edits: the reply limits (calendar months)."""

    reply_months = models.PositiveSmallIntegerField(
        "答复期限（月）",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIMIT_MONTHS)],
        help_text="交办之日起，默认 3 个月，最长 6 个月",
    )
    second_reply_months = models.PositiveSmallIntegerField(
        "再次答复期限（月）",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIMIT_MONTHS)],
        help_text="代表不满意之日起，默认 1 个月",
    )
    warn_days = models.PositiveSmallIntegerField(
        "临期提醒（天）", default=7, help_text="期限前多少天黄色预警"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "代表建议办理期限"
        verbose_name_plural = "代表建议办理期限"

    def __str__(self) -> str:
        return "代表建议办理期限"


class SuggestionEventKind(models.TextChoices):
    CREATED = "created", "提出建议"
    ESCALATED = "escalated", "工单转为代表建议"
    RESUBMITTED = "resubmitted", "修改后重新提交"
    ACCEPTED = "accepted", "立案"
    RETURNED = "returned", "退回代表"
    NOT_ADOPTED = "not_adopted", "不予立案"
    ASSIGNED = "assigned", "交办"
    REPLIED = "replied", "单位答复"
    ALL_REPLIED = "all_replied", "答复完毕"
    EVALUATED = "evaluated", "代表评价"
    SECOND_ROUND = "second_round", "再次办理"
    CLOSED = "closed", "办结"
    WARNED = "warned", "临期预警"
    OVERDUE = "overdue", "逾期"


class SuggestionEvent(AppendOnlyModel):
    """One row per change (who, when, from, to, what). Never edited."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="events", verbose_name="代表建议"
    )
    kind = models.CharField("事件", max_length=16, choices=SuggestionEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间")
    from_status = models.CharField("原状态", max_length=16, blank=True)
    to_status = models.CharField("新状态", max_length=16, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "代表建议事件"
        verbose_name_plural = "代表建议事件"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["suggestion", "at"], name="suggestion_event_at"),
            models.Index(fields=["kind", "at"], name="suggestion_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{timefmt.local_text(self.at)} {self.get_kind_display()}"
