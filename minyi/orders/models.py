"""Work orders, per-department assignments and the append-only event log (DESIGN §3)."""

from __future__ import annotations

import os
import re
import secrets

from django.conf import settings
from django.db import models

from minyi.core import clock, timefmt
from minyi.core.append_only import AppendOnlyModel
from minyi.reference.models import Complexity, Urgency


class Channel(models.TextChoices):
    DEPUTY_CALL = "deputy_call", "代表来电"
    QR_MESSAGE = "qr_message", "码上找代表"
    CITIZEN_CALL = "citizen_call", "群众来电"
    WEB = "web", "网站留言"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "已派单"
    RETURNED = "returned", "退件待审"
    SIGNED = "signed", "办理中"
    REPLIED = "replied", "已答复"
    CALLBACK = "callback", "回访中"
    # archived by the callback agent with the reply not (fully) solved: the department carries
    # out its plan until it reports done and the requester confirms (services/tracking.py)
    TRACKING = "tracking", "跟踪督办"
    ARCHIVED = "archived", "已归档"
    ESCALATED = "escalated", "转代表建议"
    MERGED = "merged", "已合并"


CLOSED_STATUSES = frozenset({Status.REJECTED, Status.ARCHIVED, Status.ESCALATED, Status.MERGED})
OPEN_STATUSES = tuple(s for s in Status.values if s not in CLOSED_STATUSES)  # in lifecycle order


class Warning(models.TextChoices):
    NONE = "none", "正常"
    YELLOW = "yellow", "黄色预警"
    RED = "red", "红色超期"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "未接通"


class Solved(models.TextChoices):
    SOLVED = "solved", "已解决"
    PARTLY = "partly", "部分解决"
    NOT_YET = "not_yet", "暂未解决"


class ReplyMethod(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    VISIT = "visit", "上门"
    HOTLINE = "hotline", "热线直接答复"


class DailyCounter(models.Model):
    """Row-locked per-day sequence behind the human order number."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{timefmt.compact_day(self.day)}: {self.last}"


class WorkOrderQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)


class WorkOrder(models.Model):
    number = models.CharField("工单编号", max_length=32, unique=True)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)

    # requester
    requester_name = models.CharField("诉求人", max_length=64, blank=True)
    requester_phone = models.CharField(
        "联系电话", max_length=32, blank=True, help_text="E.164，如 +8613800138000"
    )
    is_anonymous = models.BooleanField("匿名", default=False)
    protect_identity = models.BooleanField(
        "身份保密", default=False, help_text="举报人身份对承办单位保密"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="反映代表",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )

    # the matter
    request_type = models.ForeignKey(
        "reference.RequestType", verbose_name="诉求类型", on_delete=models.PROTECT
    )
    urgency = models.CharField(
        "紧急程度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    complexity = models.CharField(
        "复杂程度", max_length=16, choices=Complexity.choices, default=Complexity.NORMAL
    )
    category = models.ForeignKey(
        "reference.Category",
        verbose_name="诉求分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    region = models.ForeignKey(
        "reference.Region", verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField("事发地址", max_length=200, blank=True)
    title = models.CharField("标题", max_length=120)
    content = models.TextField("诉求内容")

    # the dispatch clock (受理 → 派单), running while the order waits in the dispatch queue: its
    # start and the limit in force then, so a calendar edit can recompute it (DESIGN §3)
    dispatch_clock_start = models.DateTimeField("派单起算", null=True, blank=True)
    dispatch_limit = models.JSONField("派单时限规则", null=True, blank=True)
    dispatch_due = models.DateTimeField("派单时限", null=True, blank=True)
    dispatch_due_provisional = models.BooleanField("派单时限含暂定日历", default=False)
    # deadlines, copied from the assignments so lists and the SLA scan read one indexed row
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    return_due = models.DateTimeField("退件时限", null=True, blank=True)
    reply_due = models.DateTimeField("办结时限", null=True, blank=True)
    next_due = models.DateTimeField(
        "最近时限", null=True, blank=True, help_text="尚未完成的最早时限"
    )
    warn_at = models.DateTimeField(
        "预警时间", null=True, blank=True, help_text="最近时限前一个工作日"
    )
    deadline_provisional = models.BooleanField("时限含暂定日历", default=False)
    warning = models.CharField("预警", max_length=8, choices=Warning.choices, default=Warning.NONE)
    supervision = models.CharField(
        "督办", max_length=8, choices=Warning.choices, default=Warning.NONE
    )

    # outcomes
    reject_reason = models.ForeignKey(
        "reference.ScopeReason",
        verbose_name="不予受理理由",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    reject_basis = models.TextField("不予受理依据", blank=True)
    master = models.ForeignKey(
        "self",
        verbose_name="并入主工单",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    redo_count = models.PositiveSmallIntegerField("重办次数", default=0)
    satisfaction = models.CharField(
        "满意度", max_length=16, choices=Satisfaction.choices, blank=True
    )
    solved_confirmed = models.BooleanField("回访确认解决", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间")

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["-created_at", "-id"], name="order_created"),
            # Keyset lists end every index with ``id``, the tie-break: a page starts with one
            # row-value range ``(col, id) > (%s, %s)`` however deep it is (minyi.core.rowvalues)
            models.Index(fields=["deputy", "-created_at", "-id"], name="order_deputy_created_id"),
            # the ledger's channel filter, newest first (a rare channel must not scan the table)
            models.Index(fields=["channel", "-created_at"], name="order_channel_created"),
            # No index holds ``warning``: the SLA scan rewrites it on a tenth of the open orders
            # at midnight, and an update that touches no indexed column can be HOT (heap-only,
            # no new index entries) when the page has room (fillfactor, migration 0003). The
            # scan finds its rows by time windows on these two (services/sla.py).
            models.Index(
                fields=["next_due", "id"],
                name="order_next_due_id",
                condition=models.Q(next_due__isnull=False),
            ),
            models.Index(fields=["warn_at"], name="order_warn_at"),
            models.Index(
                fields=["sign_due", "id"],
                name="order_sign_due_id",
                condition=models.Q(sign_due__isnull=False),
            ),
            # the callback queues (待回访, 回访中): one state, the reply waiting longest first
            models.Index(
                fields=["status", "replied_at", "id"],
                name="order_status_replied_id",
                condition=models.Q(replied_at__isnull=False),
            ),
            models.Index(fields=["return_due"], name="order_return_due"),
            models.Index(fields=["reply_due"], name="order_reply_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    ASSISTING = "assisting", "协办"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    SIGNED = "signed", "办理中"
    RETURN_REQUESTED = "return_requested", "申请退件"
    RETURNED = "returned", "已退回"
    REPLIED = "replied", "已答复"
    CANCELLED = "cancelled", "已撤销"


ASSIGNMENT_ACTIVE = frozenset(
    {AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED}
)


class Assignment(models.Model):
    """One department's part in an order: lead (主办) or assisting (协办)."""

    order = models.ForeignKey(
        WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "reference.Department",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField("角色", max_length=16, choices=AssignmentRole.choices)
    status = models.CharField(
        "状态", max_length=24, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    # the status to go back to when a return is refused (pending or signed)
    status_before_return = models.CharField(
        max_length=24, choices=AssignmentStatus.choices, blank=True
    )

    dispatched_at = models.DateTimeField("派单时间")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="派单人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    # the policy in force at dispatch, so a calendar edit can recompute the same rule
    limits = models.JSONField("时限规则快照", default=dict)
    sign_due = models.DateTimeField("签收时限", null=True, blank=True)
    sign_due_provisional = models.BooleanField(default=False)
    return_due = models.DateTimeField("退件时限", null=True, blank=True)
    return_due_provisional = models.BooleanField(default=False)
    reply_clock_start = models.DateTimeField("办理起算", null=True, blank=True)
    reply_due = models.DateTimeField("办结时限", null=True, blank=True)
    reply_due_provisional = models.BooleanField("答复时限含暂定日历", default=False)
    reply_due_fixed = models.BooleanField(
        "时限已固定", default=False, help_text="延期批准或驳回退件后沿用原时限"
    )

    class Meta:
        verbose_name = "承办任务"
        verbose_name_plural = "承办任务"
        ordering = ["order_id", "role", "id"]
        indexes = [
            models.Index(
                fields=["department", "status", "sign_due"], name="assignment_dept_status"
            ),
            models.Index(fields=["status", "dispatched_at"], name="assignment_status_dispatched"),
            # the ledger's and the statistics' department filter: EXISTS (a part of this
            # department on this order), one index probe per row (1.3 s → 0.15 s at 1M orders)
            models.Index(fields=["department", "order"], name="assignment_dept_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(
                    role="lead", status__in=["pending", "signed", "return_requested", "replied"]
                ),
                name="one_live_lead_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} {self.get_role_display()} {self.department}"

    @property
    def is_active(self) -> bool:
        return self.status in ASSIGNMENT_ACTIVE


class ReturnRequest(models.Model):
    """退件申请: reason, suggested department, basis and the leader's signed opinion."""

    class Ruling(models.TextChoices):
        PENDING = "pending", "待审核"
        ACCEPTED = "accepted", "同意退件"
        REFUSED = "refused", "驳回"
        LAPSED = "lapsed", "已失效"  # still pending when the department's part ended

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="return_requests"
    )
    reason = models.TextField("退件理由")
    suggested_department = models.ForeignKey(
        "reference.Department",
        verbose_name="建议承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.TextField("依据")
    leader_opinion = models.ForeignKey(
        "Attachment", verbose_name="领导签署意见", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    ruling = models.CharField(max_length=16, choices=Ruling.choices, default=Ruling.PENDING)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruling_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "退件申请"
        verbose_name_plural = "退件申请"

    def __str__(self) -> str:
        return f"退件申请 {self.get_ruling_display()}"


class ExtensionRequest(models.Model):
    class Ruling(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        DENIED = "denied", "不批准"
        LAPSED = "lapsed", "已失效"  # still pending when the department's part ended

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extension_requests"
    )
    reason = models.TextField("延期理由")
    requested_due = models.DateTimeField("申请延至")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    ruling = models.CharField(max_length=16, choices=Ruling.choices, default=Ruling.PENDING)
    approved_due = models.DateTimeField("批准延至", null=True, blank=True)
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruling_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"

    def __str__(self) -> str:
        return f"延期申请 {self.get_ruling_display()}"


class Reply(models.Model):
    """答复: by the lead department, or directly by the hotline (assignment empty)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    content = models.TextField("答复内容")
    method = models.CharField("答复方式", max_length=16, choices=ReplyMethod.choices)
    solved = models.CharField("解决情况", max_length=16, choices=Solved.choices)
    plan = models.TextField("下一步措施", blank=True)
    plan_due = models.DateField("计划完成时间", null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"答复（{self.get_solved_display()}）"


class CallbackRater(models.TextChoices):
    """Who gave the rating: the callback agent on the phone, or the deputy on their own page
    (衡阳: "征求人大代表对办理结果是否满意"; services/rating.py)."""

    AGENT = "agent", "回访员回访"
    DEPUTY = "deputy", "代表评价"


class Callback(models.Model):
    """回访 record: one per call attempt, or the deputy's own rating."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="callbacks")
    satisfaction = models.CharField("满意度", max_length=16, choices=Satisfaction.choices)
    solved = models.BooleanField("是否解决", null=True, blank=True)
    note = models.TextField("回访记录", blank=True)
    rater = models.CharField(
        "评价来源", max_length=8, choices=CallbackRater.choices, default=CallbackRater.AGENT
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"回访（{self.get_satisfaction_display()}）"


class TrackingState(models.TextChoices):
    HANDLING = "handling", "办理中"
    CONFIRMING = "confirming", "待确认"
    DONE = "done", "已办结"


class Tracking(models.Model):
    """跟踪督办 of an order archived unsolved ("因客观条件限制暂时无法解决的…告知…解决措施及时间…市
    12345热线将对此类办结工单跟踪督办"): the lead department's plan and its date, copied from the
    reply, until the department reports it done and the requester confirms (services/tracking.py).
    """

    order = models.OneToOneField(
        WorkOrder, verbose_name="工单", on_delete=models.CASCADE, related_name="tracking"
    )
    department = models.ForeignKey(
        "reference.Department",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="trackings",
    )
    reply = models.ForeignKey(
        Reply,
        verbose_name="答复",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    plan = models.TextField("解决措施")
    plan_due = models.DateField("计划完成时间")
    state = models.CharField(
        "跟踪状态", max_length=16, choices=TrackingState.choices, default=TrackingState.HANDLING
    )
    opened_at = models.DateTimeField("列入时间")
    done_reported_at = models.DateTimeField("报告办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("确认办结时间", null=True, blank=True)
    # the plan date each notice was sent for: once per plan date (a new date, a new notice)
    reminded_for = models.DateField("已提醒的计划日期", null=True, blank=True)
    overdue_for = models.DateField("已告知逾期的计划日期", null=True, blank=True)

    class Meta:
        verbose_name = "跟踪督办"
        verbose_name_plural = "跟踪督办"
        indexes = [
            models.Index(fields=["state", "plan_due"], name="tracking_state_due"),
            models.Index(fields=["department", "state", "plan_due"], name="tracking_dept_due"),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} 跟踪督办（{self.get_state_display()}）"

    @property
    def overdue(self) -> bool:
        """The plan date has passed without a done report (shown red)."""
        return self.state == TrackingState.HANDLING and self.plan_due < timefmt.local_date(
            clock.now()
        )


class AttachmentKind(models.TextChoices):
    GENERAL = "general", "附件"
    LEADER_OPINION = "leader_opinion", "领导签署意见"
    REPLY = "reply", "答复材料"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A name nobody can guess (the original is kept only as ``Attachment.name``, for display):
    the order's folder, a random token, and the extension of the checked type."""
    extension = os.path.splitext(filename)[1].lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", extension):
        extension = ""
    return f"orders/{instance.order_id}/{secrets.token_urlsafe(16)}{extension}"


class Attachment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(
        "类型", max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.GENERAL
    )
    file = models.FileField("文件", upload_to=attachment_path)
    name = models.CharField("文件名", max_length=200)
    # The type detected from the content on upload (minyi.uploads); downloads are served with it.
    # Blank for files stored before the check: those are served as application/octet-stream.
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


class SlaScanState(models.Model):
    """One row: the moment of the last SLA scan that completed, so the next one only looks at the
    deadlines that passed since (services/sla.py)."""

    last_scan_at = models.DateTimeField("上次预警扫描")

    class Meta:
        verbose_name = "预警扫描状态"
        verbose_name_plural = "预警扫描状态"

    def __str__(self) -> str:
        return timefmt.local_text(self.last_scan_at, seconds=True)


class EventKind(models.TextChoices):
    CREATED = "created", "登记"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    DIRECT_ANSWER = "direct_answer", "直接答复"
    DISPATCHED = "dispatched", "派单"
    SIGNED = "signed", "签收"
    RETURN_REQUESTED = "return_requested", "申请退件"
    RETURN_ACCEPTED = "return_accepted", "同意退件"
    RETURN_REFUSED = "return_refused", "驳回退件"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "批准延期"
    EXTENSION_DENIED = "extension_denied", "不批准延期"
    REQUEST_LAPSED = "request_lapsed", "申请失效"
    REPLIED = "replied", "答复"
    CALLED_BACK = "called_back", "回访"
    ARCHIVED = "archived", "归档"
    REDO = "redo", "发回重办"
    SUPERVISED = "supervised", "督办"
    ESCALATED = "escalated", "转闭会期间代表建议"
    MERGED = "merged", "合并至主工单"
    DUPLICATE_MERGED = "duplicate_merged", "合并重复工单"
    # intake: the candidate duplicates shown were set aside, the matter recorded as new
    DUPLICATES_DISMISSED = "duplicates_dismissed", "排除疑似重复"
    WARNING = "warning", "预警"
    DEADLINE_RECOMPUTED = "deadline_recomputed", "日历调整重算时限"
    ATTACHMENT_ADDED = "attachment_added", "上传附件"
    TRACKING_OPENED = "tracking_opened", "列入跟踪督办"
    TRACKING_PROGRESS = "tracking_progress", "跟踪督办进展"
    TRACKING_DONE = "tracking_done", "报告已办结"
    TRACKING_CONFIRMED = "tracking_confirmed", "确认办结"
    TRACKING_REOPENED = "tracking_reopened", "确认未办结"
    TRACKING_REMINDED = "tracking_reminded", "计划到期提醒"
    TRACKING_OVERDUE = "tracking_overdue", "计划逾期"


class OrderEvent(AppendOnlyModel):
    """The ledger: one row per change (who, when, from, to, what). Never edited."""

    # No single-column index on ``order`` or ``actor``: ``event_order_at`` and ``event_actor_at``
    # lead with them. Each index is one more entry per event, and the SLA scan writes a tenth of
    # the open orders' events at once at midnight (migration 0014).
    order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name="承办任务",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField("事件", max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField("时间")
    from_status = models.CharField("原状态", max_length=24, blank=True)
    to_status = models.CharField("新状态", max_length=24, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = "工单事件"
        verbose_name_plural = "工单事件（台账）"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["order", "at"], name="event_order_at"),
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            # 我已处理 (what a user acted on lately) and the callback agent's visibility
            models.Index(fields=["actor", "at"], name="event_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{timefmt.local_text(self.at)} {self.get_kind_display()}"
