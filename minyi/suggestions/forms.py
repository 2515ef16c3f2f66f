"""The suggestion pages' forms (each keyed: a double submit acts once)."""

from __future__ import annotations

from django import forms

from minyi.core import forms as core
from minyi.core.idempotency import KeyedForm
from minyi.deputies.models import Deputy
from minyi.reference.models import Department
from minyi.suggestions.models import MAX_LIMIT_MONTHS, Evaluation

TEXT_MAX = 5000
REASON_MAX = 500

DECISIONS = [("accept", "立案"), ("return", "退回代表"), ("reject", "不予立案")]


def _departments():
    return Department.objects.filter(is_active=True).order_by("name")


def _deputies():
    return Deputy.objects.filter(is_active=True).order_by("name", "id")


class SuggestionForm(KeyedForm):
    """A deputy's own suggestion (and the amended one after a return)."""

    title = core.text("标题", max_length=200)
    content = core.text("建议内容", max_length=TEXT_MAX, rows=8)
    cosigners = forms.ModelMultipleChoiceField(
        label="附议代表",
        queryset=_deputies(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6, "data-filter": "输入姓名筛选附议代表"}),
        help_text="可多选：先输入姓名筛选，再点选（电脑上按住 Ctrl 多选）。",
    )


class ResubmitForm(KeyedForm):
    title = core.text("标题", max_length=200)
    content = core.text("建议内容", max_length=TEXT_MAX, rows=8)


class ReviewForm(KeyedForm):
    decision = forms.ChoiceField(label="审查意见", choices=DECISIONS, widget=forms.RadioSelect)
    reason = core.text(
        "理由或说明",
        max_length=REASON_MAX,
        rows=3,
        required=False,
        help_text="退回、不予立案须写明理由（将以短信告知领衔代表）",
    )
    lead_deputy = forms.ModelChoiceField(
        label="领衔代表", queryset=_deputies(), required=False, empty_label="（不变）"
    )


class AssignForm(KeyedForm):
    lead = forms.ModelChoiceField(
        label="主办单位", queryset=_departments(), empty_label="请选择主办单位"
    )
    assisting = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=_departments(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    months = forms.IntegerField(
        label="答复期限（月）",
        required=False,
        min_value=1,
        max_value=MAX_LIMIT_MONTHS,
        help_text=f"留空按系统设置；最长 {MAX_LIMIT_MONTHS} 个月",
        error_messages={
            "max_value": f"答复期限最长 {MAX_LIMIT_MONTHS} 个月。",
            "min_value": "答复期限至少 1 个月。",
        },
    )
    note = core.text("交办说明", max_length=REASON_MAX, rows=2, required=False)


class ReplyForm(KeyedForm):
    content = core.text("答复内容", max_length=TEXT_MAX, rows=8)
    attachment = forms.FileField(label="附件（可选）", required=False)


class EvaluateForm(KeyedForm):
    evaluation = forms.ChoiceField(
        label="评价", choices=Evaluation.choices, widget=forms.RadioSelect
    )
    note = core.text(
        "意见", max_length=REASON_MAX, rows=3, required=False, help_text="不满意须说明理由"
    )
