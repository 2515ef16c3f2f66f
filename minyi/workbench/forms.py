"""The small forms of the order detail page, one per action (names match permissions.ACTIONS).

Each form takes the ``OrderContext`` so that its choices are this order's (the pending return or
extension to rule on, the departments other than one's own). The rules of the action itself
stay in the services; a form only parses.
"""

from __future__ import annotations

from django import forms

from minyi import uploads
from minyi.core import forms as core
from minyi.orders import text_limits as limits
from minyi.orders.models import (
    ExtensionRequest,
    ReturnRequest,
    Satisfaction,
    Solved,
    Warning,
    WorkOrder,
)
from minyi.orders.services.intake import ACCEPT, DECISIONS, REJECT
from minyi.orders.services.rating import DEPUTY_SATISFACTION
from minyi.reference.models import Department, ScopeReason
from minyi.workbench.permissions import OrderContext


def _text(
    label: str, *, rows: int = 2, required: bool = True, max_length: int = limits.NOTE, **kwargs
) -> core.TextField:
    return core.text(label, max_length=max_length, rows=rows, required=required, **kwargs)


def _due(label: str, *, required: bool = False, **kwargs) -> core.DeadlineField:
    return core.DeadlineField(label=label, required=required, **kwargs)


def _departments():
    return Department.objects.filter(is_active=True).order_by("name")


class ActionForm(core.Form):
    def __init__(self, *args, ctx: OrderContext, action: str, **kwargs):
        # distinct ids per form: several forms with a "note" field share one page
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.ctx = ctx

    def focus_on_errors(self) -> None:
        """After a refusal: the first field with an error (else the first field, under the
        form's own error) takes the focus, so the page opens on the form where the error is
        shown, once, and no banner at the top repeats it."""
        names = [field.name for field in self.visible_fields()]
        name = next((n for n in names if n in self.errors), names[0] if names else None)
        if name:
            self.fields[name].widget.attrs["autofocus"] = True


# -- dispatcher ------------------------------------------------------------------------------


class DispatchForm(ActionForm):
    lead = forms.ModelChoiceField(label="主办单位", queryset=_departments())
    assisting = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=_departments(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    note = _text("派单说明", required=False)


def _scope_reason(required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="不予受理理由",
        queryset=ScopeReason.objects.filter(is_active=True),
        empty_label="请选择理由",
        required=required,
    )


def _basis() -> core.TextField:
    return _text(
        "告知代表的依据",
        rows=3,
        required=False,
        help_text="留空则使用该理由的标准依据（理由、依据将以短信告知代表和诉求人）。",
    )


class IntakeDecisionFields(core.Form):
    """受理 or 不予受理 with a reason and its basis: the intake decision, in the console's
    intake form and on a draft's page alike (``orders.services.intake.order_decide``)."""

    decision = forms.ChoiceField(
        label="受理决定", choices=DECISIONS, initial=ACCEPT, widget=forms.RadioSelect
    )
    reason = _scope_reason(required=False)
    basis = _basis()

    def clean(self):
        data = super().clean()
        if data.get("decision") == REJECT and not data.get("reason"):
            self.add_error("reason", "不予受理须选择理由。")
        return data


class IntakeForm(IntakeDecisionFields, ActionForm):
    pass


class RejectForm(ActionForm):
    reason = _scope_reason()
    basis = _basis()


class _RulingForm(ActionForm):
    """Rules on one of the order's pending return or extension requests."""

    model: type[ReturnRequest] | type[ExtensionRequest]
    pending_attr = ""
    request = forms.ModelChoiceField(
        label="申请", queryset=ReturnRequest.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = getattr(self.ctx, self.pending_attr)
        self.fields["request"].queryset = self.model.objects.filter(pk__in=[r.pk for r in pending])
        if pending:
            self.initial.setdefault("request", pending[0].pk)


class ReturnAcceptForm(_RulingForm):
    model = ReturnRequest
    pending_attr = "pending_returns"
    redispatch = forms.BooleanField(label="同时改派至建议承办单位", required=False, initial=True)
    note = _text("审核意见", required=False)


class ReturnRefuseForm(_RulingForm):
    model = ReturnRequest
    pending_attr = "pending_returns"
    note = _text("驳回理由（原办理时限不变）")


class ExtensionApproveForm(_RulingForm):
    model = ExtensionRequest
    pending_attr = "pending_extensions"
    approved_due = _due("批准延至", help_text="留空则按申请的时间批准。")
    note = _text("审批意见", required=False)


class ExtensionDenyForm(_RulingForm):
    model = ExtensionRequest
    pending_attr = "pending_extensions"
    note = _text("不批准理由")


class SuperviseForm(ActionForm):
    level = forms.ChoiceField(
        label="督办级别",
        choices=[(Warning.YELLOW, "黄牌督办"), (Warning.RED, "红牌督办")],
        initial=Warning.YELLOW,
    )
    note = _text("督办意见")
    due = _due("重办时限", help_text="已答复的工单督办后退回主办单位重办；留空按规则计算。")


class EscalateForm(ActionForm):
    note = _text("转为闭会期间代表建议的理由")


class MergeForm(ActionForm):
    master = core.text("主工单编号", max_length=limits.ORDER_NUMBER)
    note = _text("说明", required=False)

    def clean_master(self) -> WorkOrder:
        number = self.cleaned_data["master"].strip()
        master = WorkOrder.objects.filter(number=number).first()
        if master is None:
            raise forms.ValidationError(f"未找到工单 {number}。")
        return master


# -- department handler ------------------------------------------------------------------------


class SignForm(ActionForm):
    pass


class ReturnForm(ActionForm):
    reason = _text("退件理由")
    suggested_department = forms.ModelChoiceField(label="建议承办单位", queryset=_departments())
    basis = _text("法定或职责依据")
    leader_opinion = forms.FileField(label="领导签署意见（附件）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The types and the limit the upload check applies (the service checks the file itself).
        upload = self.fields["leader_opinion"]
        upload.help_text = uploads.allowed_text()
        upload.widget.attrs["accept"] = uploads.accept_attribute()
        mine = self.ctx.my_assignment
        if mine is not None:
            self.fields["suggested_department"].queryset = _departments().exclude(
                pk=mine.department_id
            )


class ExtendForm(ActionForm):
    requested_due = _due("申请延至", required=True)
    reason = _text("延期理由")


class ReplyForm(ActionForm):
    content = _text("答复内容", rows=4, max_length=limits.REPLY)
    method = forms.ChoiceField(
        label="答复方式", choices=[("phone", "电话"), ("sms", "短信")], initial="phone"
    )
    # no default: the department says how far it solved the matter (issue 9)
    solved = forms.ChoiceField(label="解决情况", choices=[("", "请选择"), *Solved.choices])
    plan = _text(
        "下一步措施", required=False, max_length=limits.PLAN, help_text="未完全解决的必填。"
    )
    plan_due = core.DateField(label="计划完成时间", required=False)


# -- callback agent ----------------------------------------------------------------------------

SOLVED_CHOICES = [("", "—"), ("yes", "已解决"), ("no", "未解决")]


class CallbackForm(ActionForm):
    satisfaction = forms.ChoiceField(label="满意度", choices=Satisfaction.choices)
    solved = forms.TypedChoiceField(
        label="诉求是否解决",
        choices=SOLVED_CHOICES,
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        help_text="未接通时不填。",
    )
    note = _text("回访记录", required=False)


class ArchiveForm(ActionForm):
    note = _text("归档说明", required=False)


class RedoForm(ActionForm):
    note = _text("发回重办理由")
    due = _due("重办时限", help_text="留空则按办理时限规则重新计算。")


# -- deputy ---------------------------------------------------------------------------------------


class RateForm(ActionForm):
    """The deputy's rating of the result: both answers chosen by the deputy, none preselected."""

    satisfaction = forms.ChoiceField(
        label="您对办理结果是否满意",
        choices=[(v, Satisfaction(v).label) for v in DEPUTY_SATISFACTION],
        widget=forms.RadioSelect,
    )
    solved = forms.ChoiceField(
        label="您反映的问题是否解决", choices=Solved.choices, widget=forms.RadioSelect
    )
    note = _text("其他意见", required=False)
