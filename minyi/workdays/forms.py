from __future__ import annotations

from django import forms

from minyi.core import forms as core
from minyi.core import timefmt
from minyi.core.errors import DomainError
from minyi.workdays.notice import parse_notice


class NoticeForm(core.Form):
    year = forms.IntegerField(label="年份", min_value=2004, max_value=2099)
    source = core.text(
        "来源", max_length=200, required=False, help_text="如：国办发明电〔2026〕X号"
    )
    official = forms.BooleanField(label="标记为正式", initial=True, required=False)
    text = core.TextField(
        label="节假日安排",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 60}),
        help_text="每行一条：2027-02-05..2027-02-11 放假 春节；2027-02-20 上班 春节调休。将替换该年全部特殊日期。",
    )

    def clean(self):
        data = super().clean()
        if "text" in data and "year" in data:
            try:
                days = parse_notice(data["text"])
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from None
            outside = [d for d, _, _ in days if d.year != data["year"]]
            if outside:
                raise forms.ValidationError(
                    f"{timefmt.day_text(outside[0])} 不在 {data['year']} 年内。"
                )
            data["days"] = days
        return data
