"""The ledger's filters (台账筛选). Each narrows on an indexed column or through an EXISTS on an
indexed foreign key (minyi.workbench.list_selectors.filters_apply)."""

from __future__ import annotations

from datetime import timedelta

from django import forms

from minyi.core import forms as core
from minyi.deputies.models import Level
from minyi.orders.models import Channel, Status, Warning
from minyi.reference.models import Category, Department, Region
from minyi.workdays.calendar import day_start


def _blank(choices) -> list:
    return [("", "全部"), *choices]


class LedgerFilterForm(core.Form):
    deputy = core.text("代表姓名", max_length=32, required=False)
    level = forms.ChoiceField(label="代表层级", choices=_blank(Level.choices), required=False)
    department = forms.ModelChoiceField(
        label="承办单位", queryset=Department.objects.all(), required=False, empty_label="全部"
    )
    region = forms.ModelChoiceField(
        label="所属区域", queryset=Region.objects.all(), required=False, empty_label="全部"
    )
    category = forms.ModelChoiceField(
        label="诉求分类",
        queryset=Category.objects.select_related("parent"),
        required=False,
        empty_label="全部",
    )
    status = forms.ChoiceField(label="状态", choices=_blank(Status.choices), required=False)
    warning = forms.ChoiceField(label="预警", choices=_blank(Warning.choices), required=False)
    channel = forms.ChoiceField(label="来源渠道", choices=_blank(Channel.choices), required=False)
    date_from = core.DateField(label="登记日期自", required=False)
    date_to = core.DateField(label="至", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        # Whole days in Beijing time: [start 00:00, the day after ``end`` 00:00).
        data["created_from"] = day_start(start) if start else None
        data["created_until"] = day_start(end + timedelta(days=1)) if end else None
        return data
