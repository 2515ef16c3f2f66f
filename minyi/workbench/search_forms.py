"""The two search boxes of 查询工单: words or a number (GET), a phone (POST, logged)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from minyi.core import forms as core
from minyi.deputies.phones import PhoneError, normalize_phone


class SearchForm(core.Form):
    q = core.text(
        "工单编号或标题关键词",
        max_length=100,
        required=True,
        help_text="多个关键词用空格隔开，最多 5 个；完整编号直接打开工单。",
    )


class PhoneSearchForm(core.Form):
    phone = core.text("诉求人电话", max_length=32, required=True, help_text="按电话查询将被记录。")

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except PhoneError as error:
            raise ValidationError(error.message) from None
