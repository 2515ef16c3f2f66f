"""The working-day calendar as data (DESIGN §4).

A year with a ``CalendarYear`` row is described completely by its ``SpecialDay`` rows; a year
without one is computed as provisional (weekends plus the fixed statutory holidays and their
make-up days off, ``statutory.provisional_holidays``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from minyi.core import timefmt
from minyi.core.bounds import EARLIEST_YEAR, LATEST_YEAR


class YearStatus(models.TextChoices):
    OFFICIAL = "official", "正式（国务院通知）"
    PROVISIONAL = "provisional", "暂定（按法定节日推算）"


class CalendarYear(models.Model):
    # The product's years (minyi.core.bounds): the calendar knows the lunar holidays of no other.
    year = models.PositiveSmallIntegerField(
        "年份",
        primary_key=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
    )
    status = models.CharField("状态", max_length=16, choices=YearStatus.choices)
    source = models.CharField(
        "来源", max_length=200, blank=True, help_text="如：国办发明电〔2026〕X号"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年（{self.get_status_display()}）"

    @property
    def is_official(self) -> bool:
        return self.status == YearStatus.OFFICIAL


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class SpecialDay(models.Model):
    """A day that differs from the weekday rule: a holiday on a weekday, or a weekend working day.

    Holidays that fall on a weekend are stored too (they belong to the holiday's span and the
    notice lists them), although they change nothing.
    """

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("名称", max_length=32, blank=True)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{timefmt.day_text(self.date)} {self.get_kind_display()} {self.name}".strip()


class CalendarRevision(models.Model):
    """One row, bumped on every calendar edit, so each process knows when to reload."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "日历版本"
        verbose_name_plural = "日历版本"

    def __str__(self) -> str:
        return f"日历版本 {self.number}"


class CalendarChange(models.Model):
    """Audit row for every calendar edit (who changed which days, and how many deadlines moved)."""

    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.CharField("内容", max_length=300)
    dates = models.JSONField("涉及日期", default=list)
    orders_recomputed = models.PositiveIntegerField("重算工单数", default=0)

    class Meta:
        verbose_name = "日历修改记录"
        verbose_name_plural = "日历修改记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.summary
