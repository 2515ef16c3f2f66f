"""The deputy registry: persons, their phone numbers, mandates and liaison stations."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minyi.core.masking import mask_phone


class Level(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡"


# Highest first: the banner lists congresses in this order.
LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


def congress_region_label(name: str) -> str:
    """A congress's name without `人大`: `湘潭市人大` → `湘潭市`."""
    return name.removesuffix("人大")


class Congress(models.Model):
    """A people's congress, named `<region>人大` (湖南省人大, 韶山市人大, 银田镇人大)."""

    name = models.CharField("名称", max_length=64, unique=True)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name="行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="congresses",
    )

    class Meta:
        verbose_name = "人大"
        verbose_name_plural = "人大"
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_label(self) -> str:
        """`湘潭市人大` → `湘潭市` (used in the banner)."""
        return congress_region_label(self.name)


class LiaisonStation(models.Model):
    """代表联络站."""

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name="所在区域",
        on_delete=models.PROTECT,
        related_name="stations",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "代表联络站"
        verbose_name_plural = "代表联络站"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Deputy(models.Model):
    name = models.CharField("姓名", max_length=32, db_index=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    is_active = models.BooleanField("有效", default=True)
    introduction = models.TextField(
        "简介", max_length=300, blank=True, help_text="码上找代表页面上的简短介绍（300字以内）"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "人大代表"
        verbose_name_plural = "人大代表"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DeputyPhone(models.Model):
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(
        "号码（E.164）", max_length=20, unique=True, help_text="如 +8613800138000"
    )
    raw = models.CharField("原始号码", max_length=40, blank=True)
    is_primary = models.BooleanField("主号码", default=False)

    class Meta:
        verbose_name = "代表电话"
        verbose_name_plural = "代表电话"

    def __str__(self) -> str:
        # Masked: a row's name ends up in confirmation pages and the admin's change history.
        return mask_phone(self.number)


class MandateQuerySet(models.QuerySet):
    def active(self) -> MandateQuerySet:
        """Mandates that still identify their deputy (an ended mandate never does)."""
        return self.filter(ended_on__isnull=True)


class Mandate(models.Model):
    """One seat in one congress. A person may hold several at different levels."""

    class EndReason(models.TextChoices):
        TERM_OVER = "term_over", "届满"
        RESIGNED = "resigned", "辞职"
        REMOVED = "removed", "罢免"
        OTHER = "other", "其他"

    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.CASCADE, related_name="mandates"
    )
    congress = models.ForeignKey(
        Congress, verbose_name="所属人大", on_delete=models.PROTECT, related_name="mandates"
    )
    level = models.CharField("代表层级", max_length=16, choices=Level.choices)
    term = models.CharField("届次", max_length=32, blank=True, help_text="如：第十四届")
    delegation = models.CharField("代表团或选区", max_length=100, blank=True)
    professional_group = models.CharField("专业小组", max_length=64, blank=True)
    station = models.ForeignKey(
        LiaisonStation,
        verbose_name="联络站",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mandates",
    )
    started_on = models.DateField("任期开始", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=16, choices=EndReason.choices, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = "代表资格"
        verbose_name_plural = "代表资格"
        ordering = ["deputy_id", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "congress", "term"], name="mandate_unique_per_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.congress}代表 {self.term}".strip()

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class RegistryChangeKind(models.TextChoices):
    IMPORT = "import", "导入名单"
    EXPORT = "export", "导出名单"
    MANDATE_END = "mandate_end", "终止代表资格"
    PHONE_ADD = "phone_add", "新增号码"
    PHONE_CHANGE = "phone_change", "更换号码"
    PHONE_PRIMARY = "phone_primary", "设置主号码"
    PHONE_REMOVE = "phone_remove", "删除号码"
    CODE_REGENERATE = "code_regenerate", "重新生成二维码"


class RegistryChange(models.Model):
    """Append-only audit row for each change to (or bulk read of) the deputy registry."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("类型", max_length=16, choices=RegistryChangeKind.choices)
    summary = models.CharField("摘要", max_length=300)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "代表名单变更记录"
        verbose_name_plural = "代表名单变更记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.summary}"


class ProfessionalGroup(models.Model):
    """代表专业小组 (财政经济, 城乡建设 …): the deputies a clue of the clue library is given to.

    The registry's column 专业小组 stays the text on each mandate (import and export read and
    write it); importing a sheet adds each deputy to the group of that name (``groups_sync``)."""

    name = models.CharField("名称", max_length=64, unique=True)
    description = models.TextField("简介", max_length=500, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name="成员代表", blank=True, related_name="professional_groups"
    )

    class Meta:
        verbose_name = "专业小组"
        verbose_name_plural = "专业小组"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
