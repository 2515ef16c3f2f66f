"""The statistics policy in the admin (issue 11): the system administrator sets k, the minimum
sample and the department grading's weights (one row; minyi/ledger/stats.py, grading.py)."""

from decimal import Decimal

from django import forms
from django.contrib import admin

from minyi.adminsite.base import MinyiModelAdmin
from minyi.core import forms as core
from minyi.ledger.models import StatisticsPolicy

WEIGHTS = (
    "weight_sign",
    "weight_return",
    "weight_reply",
    "weight_satisfaction",
    "weight_resolution",
    "weight_redo",
)


class StatisticsPolicyForm(core.ModelForm):
    class Meta:
        model = StatisticsPolicy
        fields = "__all__"

    def clean_basically_weight(self):
        k = self.cleaned_data["basically_weight"]
        if not Decimal(0) <= k <= Decimal(1):
            raise forms.ValidationError("基本满意计入系数 k 须在 0 到 1 之间。")
        return k

    def clean_minimum_sample(self):
        n = self.cleaned_data["minimum_sample"]
        if n < 1:
            raise forms.ValidationError("最小样本量至少为 1。")
        return n

    def clean(self):
        data = super().clean()
        weights = [data.get(name) or 0 for name in WEIGHTS]
        if not any(weights):
            raise forms.ValidationError("部门考核的权重不能全为 0。")
        return data


@admin.register(StatisticsPolicy)
class StatisticsPolicyAdmin(MinyiModelAdmin):
    form = StatisticsPolicyForm
    list_display = ("__str__", "basically_weight", "minimum_sample", "updated_at")
    readonly_fields = ("updated_at",)
    fieldsets = (
        ("统计口径", {"fields": ("basically_weight", "minimum_sample")}),
        (
            "部门考核权重（综合得分按各项权重加权平均）",
            {"fields": WEIGHTS},
        ),
        (None, {"fields": ("updated_at",)}),
    )
