"""The ledger's filters (台账筛选): GET parameters that other pages link to (the dashboard's
figures click through with ``figure=``), so their names are a contract (README "工作台账"):

``month=YYYY-MM``, ``date_from``/``date_to`` (Beijing days of ``created_at``), ``channel``
(empty: the deputy channels; ``all``; or one channel), ``level``, ``congress``, ``region``,
``department`` (lead or assisting), ``category``, ``request_type``, ``status``, ``timeliness``
(``on_time``/``overdue``), ``warning``, ``deputy`` (name contains) and ``figure`` (a count key of
``minyi.ledger.stats.COUNT_LABELS``).
"""

from __future__ import annotations

from django import forms

from minyi.core import forms as core
from minyi.core import timefmt
from minyi.deputies.models import Congress, Level
from minyi.ledger import stats
from minyi.orders.models import Channel, Status, Warning
from minyi.reference.models import Category, Department, Region, RequestType

ALL_CHANNELS = stats.ALL_CHANNELS
TIMELINESS = (("on_time", "未超期"), ("overdue", "超期"))


def _blank(choices) -> list:
    return [("", "全部"), *choices]


parse_month = stats.parse_month


class MonthField(forms.Field):
    widget = forms.TextInput(attrs={"type": "month", "min": "2000-01", "max": "2099-12"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        first = parse_month(str(value)[:16].strip())
        if first is None:
            raise forms.ValidationError("月份格式为 YYYY-MM（2000 年至 2099 年）。")
        return first


class SelectionForm(core.Form):
    """The filters the ledger and the statistics share, under the same names (a figure of the
    dashboard links to the ledger with its own filter): the period, the channel, the deputy level,
    the region, the department, the category."""

    month = MonthField(label="月份", required=False)
    date_from = core.DateField(label="登记日期自", required=False)
    date_to = core.DateField(label="至", required=False)
    channel = forms.ChoiceField(
        label="来源渠道",
        choices=[("", "代表渠道"), (ALL_CHANNELS, "全部渠道"), *Channel.choices],
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

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if data.get("month") and (start or end):
            raise forms.ValidationError("月份与日期范围只能选一种。")
        if start and end and end < start:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        return data


class LedgerFilterForm(SelectionForm):
    congress = forms.ModelChoiceField(
        label="所属人大", queryset=Congress.objects.all(), required=False, empty_label="全部"
    )
    deputy = core.text("代表姓名", max_length=32, required=False)
    request_type = forms.ModelChoiceField(
        label="诉求类型", queryset=RequestType.objects.all(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(label="状态", choices=_blank(Status.choices), required=False)
    timeliness = forms.ChoiceField(label="时效", choices=_blank(TIMELINESS), required=False)
    warning = forms.ChoiceField(label="预警", choices=_blank(Warning.choices), required=False)
    figure = forms.ChoiceField(
        label="统计口径",
        choices=_blank(stats.COUNT_LABELS.items()),
        required=False,
        widget=forms.HiddenInput,
    )
    field_order = (
        "month",
        "date_from",
        "date_to",
        "channel",
        "level",
        "congress",
        "deputy",
        "region",
        "department",
        "category",
        "request_type",
        "status",
        "timeliness",
        "warning",
        "figure",
    )


def bound(params) -> LedgerFilterForm:
    """The form bound to ``params`` (a QueryDict or a plain dict of strings)."""
    return LedgerFilterForm(params)


def channels_of(data: dict) -> tuple[str, ...] | None:
    """The channels the filter reads (None: every channel), as the statistics read them."""
    return stats.channels_of(data.get("channel") or "")


def describe(data: dict) -> str:
    """The filter in words, for a PDF's title and a file's summary sheet: 2026-11，代表渠道，…"""
    parts: list[str] = []
    if data.get("month"):
        parts.append(timefmt.month_text(data["month"]))
    if data.get("date_from") or data.get("date_to"):
        start = timefmt.day_text(data["date_from"]) if data.get("date_from") else "…"
        end = timefmt.day_text(data["date_to"]) if data.get("date_to") else "…"
        parts.append(f"登记 {start} 至 {end}")
    if not data.get("month") and not data.get("date_from") and not data.get("date_to"):
        parts.append("全部时间")
    channel = data.get("channel") or ""
    parts.append(
        "代表渠道（代表来电、码上找代表）"
        if not channel
        else ("全部渠道" if channel == ALL_CHANNELS else Channel(channel).label)
    )
    form = LedgerFilterForm
    for name in ("level", "status", "timeliness", "warning"):
        if data.get(name):
            field = form.base_fields[name]
            parts.append(f"{field.label}：{dict(field.choices).get(data[name], data[name])}")
    for name in ("congress", "region", "department", "category", "request_type"):
        if data.get(name):
            parts.append(f"{form.base_fields[name].label}：{data[name]}")
    if data.get("deputy"):
        parts.append(f"代表姓名含“{data['deputy']}”")
    if data.get("figure"):
        parts.append(f"统计口径：{stats.COUNT_LABELS[data['figure']]}")
    return "，".join(parts)
