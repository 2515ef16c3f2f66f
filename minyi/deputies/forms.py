from __future__ import annotations

from datetime import date

from django import forms

from minyi.core import forms as core
from minyi.deputies.models import Mandate
from minyi.deputies.registry.parser import FORMATS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(core.Form):
    file = forms.FileField(
        label="代表名单文件",
        help_text="Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码），按导入模板填写，不超过 5 MB。",
    )
    dry_run = forms.BooleanField(label="只校验，不保存", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith(FORMATS):
            raise forms.ValidationError(
                "只接受 .xlsx 或 .csv 文件（Excel 97-2003 的 .xls 请先另存为 .xlsx）。"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 5 MB；请分批导入。"
            )
        return upload


class MandateEndForm(core.Form):
    ended_on = core.DateField(label="终止日期", initial=date.today)
    reason = forms.ChoiceField(label="终止原因", choices=Mandate.EndReason.choices)
