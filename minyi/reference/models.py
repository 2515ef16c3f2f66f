"""Reference data an administrator edits: regions, departments, categories, request types,
time-limit rules and the out-of-scope reasons (DESIGN §3, §5)."""

from __future__ import annotations

from django.db import models

from minyi.reference.snapshots import KeptQuerySet


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡"


class Region(models.Model):
    """行政区划. A county-level city (韶山市) is a county in this tree."""

    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    code = models.CharField(
        "区划代码", max_length=12, blank=True, help_text="GB/T 2260 代码（已知时）"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="region_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Region]:
        """From the root down to the parent (a handful of rows; the tree is 4 levels deep)."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Department(models.Model):
    """承办单位."""

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=32, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments"
    )
    categories = models.ManyToManyField(
        "Category", verbose_name="主管诉求分类", blank=True, related_name="departments"
    )
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """诉求分类, a tree (e.g. 城市管理 → 市容环境 → 占道经营)."""

    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        ordering = ["parent_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_unique_name_in_parent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class RequestType(models.Model):
    """诉求类型: 咨询/求助/建议/批评/投诉/举报/表扬/紧急."""

    code = models.SlugField("代码", max_length=24, unique=True)
    name = models.CharField("名称", max_length=16, unique=True)
    is_report = models.BooleanField("举报类", default=False, help_text="举报人身份对承办单位保密")
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "诉求类型"
        verbose_name_plural = "诉求类型"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class Complexity(models.TextChoices):
    NORMAL = "normal", "一般"
    COMPLEX = "complex", "复杂"


class LimitStage(models.TextChoices):
    DISPATCH = "dispatch", "派单"
    SIGN = "sign", "签收"
    RETURN = "return", "退件"
    HANDLE = "handle", "办结答复"


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "工作日"
    WORKING_HOURS = "working_hours", "工作小时"
    NATURAL_DAYS = "natural_days", "自然日"


class ClockStart(models.TextChoices):
    ACCEPT = "accept", "受理时起算"
    DISPATCH = "dispatch", "派单时起算"
    SIGN = "sign", "签收时起算"


# Where each stage's clock may start (DESIGN §3): the dispatch clock at acceptance; sign-for and
# return at dispatch (the department receives the order); handling at dispatch or sign-for.
CLOCK_STARTS = {
    "dispatch": (ClockStart.ACCEPT,),
    "sign": (ClockStart.DISPATCH,),
    "return": (ClockStart.DISPATCH,),
    "handle": (ClockStart.DISPATCH, ClockStart.SIGN),
}


class TimeLimitRule(models.Model):
    """One row of the time-limit policy (DESIGN §3). Among the rows that match an order, the one
    with the highest priority wins, then the most specific (see ``reference.limits``). Where the
    clock starts is part of the row (``clock_start``, within ``CLOCK_STARTS`` of its stage)."""

    stage = models.CharField("环节", max_length=16, choices=LimitStage.choices)
    request_type = models.ForeignKey(
        RequestType,
        verbose_name="诉求类型",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="空=任意",
    )
    urgency = models.CharField(
        "紧急程度", max_length=16, choices=Urgency.choices, blank=True, help_text="空=任意"
    )
    complexity = models.CharField(
        "复杂程度", max_length=16, choices=Complexity.choices, blank=True, help_text="空=任意"
    )
    amount = models.PositiveIntegerField("时限")
    unit = models.CharField("单位", max_length=16, choices=LimitUnit.choices)
    clock_start = models.CharField(
        "起算点",
        max_length=16,
        choices=ClockStart.choices,
        default=ClockStart.DISPATCH,
        help_text="派单时限自受理起算；签收、退件时限自派单（承办单位收到工单）起算；"
        "办结时限默认自派单起算，可改为自签收起算",
    )
    priority = models.SmallIntegerField(
        "优先级",
        default=0,
        help_text="多条规则同时适用时取优先级最高者（紧急 30、复杂 20、按类型 10、默认 0）",
    )
    note = models.CharField("依据", max_length=200, blank=True)

    # kept in memory by every process (reference.snapshots): its writes say so
    objects = KeptQuerySet.as_manager()

    class Meta:
        verbose_name = "办理时限规则"
        verbose_name_plural = "办理时限规则"
        ordering = ["stage", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    *(
                        models.Q(stage=stage, clock_start__in=starts)
                        for stage, starts in CLOCK_STARTS.items()
                    ),
                    _connector=models.Q.OR,
                ),
                name="time_limit_rule_clock_start_fits_stage",
                violation_error_message="起算点与环节不符：派单时限自受理起算，签收、退件时限自派单"
                "起算，办结时限自派单或签收起算。",
            )
        ]

    def __str__(self) -> str:
        scope = (
            "、".join(
                part
                for part in (
                    self.request_type.name if self.request_type_id else "",
                    self.get_urgency_display() if self.urgency else "",
                    self.get_complexity_display() if self.complexity else "",
                )
                if part
            )
            or "默认"
        )
        return f"{self.get_stage_display()}（{scope}）：{self.amount}{self.get_unit_display()}"

    def specificity(self) -> int:
        return (
            int(self.request_type_id is not None)
            + int(bool(self.urgency))
            + int(bool(self.complexity))
        )


class ScopeReason(models.Model):
    """不予受理 reason codes (DESIGN §5), with the basis told to the deputy."""

    code = models.SlugField("代码", max_length=32, unique=True)
    title = models.CharField("理由", max_length=100)
    basis = models.TextField("依据（告知代表）")
    sort = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "不予受理理由"
        verbose_name_plural = "不予受理理由"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.title


class ReferenceRevision(models.Model):
    """One row, given a new random number whenever reference data that the write path keeps in
    memory changes (time-limit rules, message templates: ``reference.snapshots``), so every
    process (servers, worker, scheduler) knows when to read it again."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "基础数据版本"
        verbose_name_plural = "基础数据版本"

    def __str__(self) -> str:
        return f"{self.number}"
