"""The ledger (工作台账), its statistics, the monthly report and long exports (issue 11).

``LedgerRow`` is one flat row per order, folded from the order's event log by
``minyi.ledger.facts`` as each event is written (and rebuilt from the log by
``manage.py ledger_rebuild``): never typed in by hand. The ledger page, the statistics, the
dashboard, the exports and the monthly report read it instead of joining assignments, callbacks
and events for each order, so a month at a million orders is one indexed range scan.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from minyi.core import timefmt
from minyi.deputies.models import Level
from minyi.orders.models import Channel, Satisfaction, Status, TrackingState


class LedgerRow(models.Model):
    """台账行: what the ledger shows of one order, kept current by the services (facts.py)."""

    order = models.OneToOneField(
        "orders.WorkOrder",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ledger_row",
        verbose_name="工单",
    )
    # the order's dimensions, copied at each event (the filters and the group-bys read them here)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    created_at = models.DateTimeField("登记时间")
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="反映代表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the deputy's highest level when the order was made (全国 > 省 > 市 > 县 > 乡): an order of a
    # deputy who holds several mandates counts once, under the highest
    deputy_level = models.CharField("代表层级", max_length=16, choices=Level.choices, blank=True)
    # all the levels of the deputy's mandates then, highest first ("city,township"), for display
    deputy_levels = models.CharField("代表各层级", max_length=100, blank=True, db_default="")
    request_type = models.ForeignKey(
        "reference.RequestType", verbose_name="诉求类型", on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "reference.Category",
        verbose_name="诉求分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name="所属区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_department = models.ForeignKey(
        "reference.Department",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departments = models.CharField("承办单位", max_length=500, blank=True)

    # the steps (the latest of each, but accepted and dispatched: the first)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    called_back_at = models.DateTimeField("回访时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    # the deadlines in force at the last event, and whether each step kept its own
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    reply_due = models.DateTimeField("办结时限", null=True, blank=True)
    dispatch_on_time = models.BooleanField("按时派单", null=True, blank=True)
    sign_on_time = models.BooleanField("按时签收", null=True, blank=True)
    reply_on_time = models.BooleanField("按时答复", null=True, blank=True)

    returns_accepted = models.PositiveSmallIntegerField("退件（同意）", default=0)
    returns_refused = models.PositiveSmallIntegerField("退件（驳回）", default=0)
    extensions = models.PositiveSmallIntegerField("延期（批准）", default=0)
    callbacks = models.PositiveSmallIntegerField("回访次数", default=0)
    satisfaction = models.CharField(
        "满意度", max_length=16, choices=Satisfaction.choices, blank=True
    )
    solved = models.BooleanField("是否解决", null=True, blank=True)
    supervised = models.PositiveSmallIntegerField("督办次数", default=0)
    went_red = models.BooleanField("曾超期", default=False)
    # 不予受理 once, even if escalated afterwards (the evaluation pool leaves it out)
    rejected = models.BooleanField("曾不予受理", default=False, db_default=False)
    redo_count = models.PositiveSmallIntegerField("重办次数", default=0)
    tracking = models.CharField(
        "跟踪督办", max_length=16, choices=TrackingState.choices, blank=True
    )
    last_event_id = models.BigIntegerField("已计入的最后事件", default=0)

    class Meta:
        verbose_name = "台账行"
        verbose_name_plural = "台账行"
        ordering = ["-created_at", "-order_id"]
        indexes = [
            # the page's keyset, (created_at, order) < (%s, %s): the tie-break in the index
            models.Index(fields=["created_at", "order"], name="ledger_created_order"),
            models.Index(fields=["channel", "created_at"], name="ledger_channel_created"),
            models.Index(fields=["lead_department", "created_at"], name="ledger_lead_created"),
            models.Index(fields=["deputy", "created_at"], name="ledger_deputy_created"),
        ]

    def __str__(self) -> str:
        return f"台账 {self.order_id}"


class StatisticsPolicy(models.Model):
    """One row: what the administrator sets for the statistics (DESIGN §6)."""

    basically_weight = models.DecimalField(
        "基本满意计入系数 k",
        max_digits=3,
        decimal_places=2,
        default=1,
        help_text="满意率 = (满意 + k·基本满意) / 参评数，0 ≤ k ≤ 1",
    )
    minimum_sample = models.PositiveSmallIntegerField(
        "最小样本量", default=10, help_text="低于此数的比率显示“样本不足”"
    )
    # department grading (绩效考核): the weight of each rate in the composite score
    weight_sign = models.PositiveSmallIntegerField("权重：按时签收率", default=15)
    weight_return = models.PositiveSmallIntegerField("权重：退件率（越低越好）", default=10)
    weight_reply = models.PositiveSmallIntegerField("权重：按时办结率", default=25)
    weight_satisfaction = models.PositiveSmallIntegerField("权重：满意率", default=25)
    weight_resolution = models.PositiveSmallIntegerField("权重：解决率", default=15)
    weight_redo = models.PositiveSmallIntegerField("权重：重办率（越低越好）", default=10)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "统计口径"
        verbose_name_plural = "统计口径"

    def __str__(self) -> str:
        return "统计口径"


class ReportState(models.TextChoices):
    PENDING = "pending", "生成中"
    READY = "ready", "已生成"
    FAILED = "failed", "生成失败"


class MonthlyReport(models.Model):
    """月度报告 of one month: the figures as generated (``summary``) and the two files."""

    month = models.DateField("月份", unique=True, help_text="该月 1 日")
    state = models.CharField(
        "状态", max_length=16, choices=ReportState.choices, default=ReportState.PENDING
    )
    summary = models.JSONField("报告数据", default=dict, blank=True)
    xlsx = models.FileField("Excel 文件", upload_to="reports/", blank=True)
    pdf = models.FileField("PDF 文件", upload_to="reports/", blank=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="空：由定时任务生成",
    )
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = "月度报告"
        verbose_name_plural = "月度报告"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{timefmt.month_text(self.month)}报告"


class NotableCase(models.Model):
    """典型案例 the liaison officer picks for a month's report."""

    month = models.DateField("月份", help_text="该月 1 日")
    order = models.ForeignKey(
        "orders.WorkOrder", verbose_name="工单", on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField("点评", max_length=500, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    picked_at = models.DateTimeField("选入时间")

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        ordering = ["month", "picked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "order"], name="notable_once_per_month")
        ]

    def __str__(self) -> str:
        return f"典型案例 {self.order_id}"


class ReportEventKind(models.TextChoices):
    GENERATED = "generated", "生成报告"
    FAILED = "failed", "生成失败"
    CASE_PICKED = "case_picked", "选入典型案例"
    CASE_REMOVED = "case_removed", "移出典型案例"


class ReportEvent(models.Model):
    """One row per change to the month's report or its notable cases (who, when, what)."""

    month = models.DateField("月份")
    kind = models.CharField("事件", max_length=16, choices=ReportEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间")
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "报告事件"
        verbose_name_plural = "报告事件"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["month", "at"], name="report_event_month")]

    def __str__(self) -> str:
        return f"{self.month} {self.get_kind_display()}"


class ExportState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导出中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"


class ExportJob(models.Model):
    """A long export run by the worker: its filters, its progress and, when done, its file.
    Only the user who asked for it may download it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="导出人"
    )
    format = models.CharField("格式", max_length=8, choices=ExportFormat.choices)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    state = models.CharField(
        "状态", max_length=16, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已导出行数", default=0)
    file = models.FileField("文件", upload_to="exports/", blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("申请时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_created")]

    def __str__(self) -> str:
        return f"导出 {self.get_format_display()} {self.get_state_display()}"
