"""The statistics pages' filters (统计筛选): the ledger's GET parameter names, so a page's own
query string clicks through to the ledger unchanged (``stats.Selection.params``)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms

from minyi.core import clock, timefmt
from minyi.core import forms as core
from minyi.deputies.models import Level
from minyi.ledger import stats
from minyi.orders.models import Channel
from minyi.reference.models import Category, Department, Region

# the window a page shows when no period is chosen: figures and daily counts the last 30 days
MAX_SPAN = timedelta(days=3 * 366)
DEFAULT_DAYS = 30


def _blank(choices, label: str = "全部") -> list:
    return [("", label), *choices]


class StatsFilterForm(core.Form):
    month = forms.RegexField(
        label="月份",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        max_length=7,
        required=False,
        error_messages={"invalid": "月份格式应为 YYYY-MM，如 2026-11。"},
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )
    date_from = core.DateField(label="登记日期自", required=False)
    date_to = core.DateField(label="至", required=False)
    channel = forms.ChoiceField(
        label="来源渠道",
        choices=[("", "代表渠道"), (stats.ALL_CHANNELS, "全部渠道"), *Channel.choices],
        required=False,
    )
    level = forms.ChoiceField(label="代表层级", choices=_blank(Level.choices), required=False)
    region = forms.ModelChoiceField(
        label="所属区域", queryset=Region.objects.all(), required=False, empty_label="全部"
    )
    department = forms.ModelChoiceField(
        label="承办单位", queryset=Department.objects.all(), required=False, empty_label="全部"
    )
    category = forms.ModelChoiceField(
        label="诉求分类",
        queryset=Category.objects.select_related("parent"),
        required=False,
        empty_label="全部",
    )

    def __init__(self, *args, fields: tuple[str, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in list(self.fields):
                if name not in fields:
                    del self.fields[name]

    def clean_month(self):
        value = self.cleaned_data.get("month")
        if value:
            year, month = value.split("-")
            core.validate_in_years(date(int(year), int(month), 1))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if data.get("month") and (start or end):
            raise forms.ValidationError("月份与日期范围只能选一种。")
        if start and end and end < start:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        if start and (end or timefmt.local(clock.now()).date()) - start > MAX_SPAN:
            # every bucket of the charts is counted and linked: a century would be a long page
            raise forms.ValidationError("统计时段最长三年，请缩短日期范围。")
        return data

    def selection(self) -> tuple[stats.Selection, bool]:
        """The selection the form asks for, and whether its period was chosen (False: the
        default window, the last 30 days)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        chosen = True
        if data.get("month"):
            period, month = stats.month_period(data["month"]), True
        elif data.get("date_from") or data.get("date_to"):
            today = timefmt.local(clock.now()).date()
            start = data.get("date_from") or (data["date_to"] - timedelta(days=DEFAULT_DAYS - 1))
            period, month = stats.Period(start, data.get("date_to") or today), False
        else:
            today = timefmt.local(clock.now()).date()
            period, month, chosen = (
                stats.Period(today - timedelta(days=DEFAULT_DAYS - 1), today),
                False,
                False,
            )
        selection = stats.Selection(
            channel=data.get("channel") or "",
            level=data.get("level") or "",
            region=data["region"].pk if data.get("region") else None,
            department=data["department"].pk if data.get("department") else None,
            category=data["category"].pk if data.get("category") else None,
        ).with_period(period, month=month)
        return selection, chosen
