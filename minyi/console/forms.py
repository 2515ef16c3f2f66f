"""The console's intake form (with its decision, 受理 or 不予受理, shared with a draft's page).
The next steps after acceptance (派单, 直接答复) are actions of the shared registry, with their
forms in ``workbench.forms``."""

from __future__ import annotations

from django import forms

from minyi.core import forms as core
from minyi.core.errors import DomainError
from minyi.core.idempotency import KeyedForm
from minyi.deputies.models import Deputy
from minyi.deputies.phones import normalize_phone
from minyi.orders import text_limits as limits
from minyi.orders.models import Channel
from minyi.reference.models import (
    Category,
    Complexity,
    Region,
    RequestType,
    Urgency,
)
from minyi.workbench.forms import IntakeDecisionFields


class IntakeForm(KeyedForm, IntakeDecisionFields):
    """The call's order and the decision on it, saved together (``order_intake``)."""

    channel = forms.ChoiceField(
        label="来源渠道", choices=Channel.choices, initial=Channel.CITIZEN_CALL
    )
    deputy = forms.ModelChoiceField(
        label="反映代表",
        queryset=Deputy.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    call_id = core.text("来电", max_length=64, required=False, widget=forms.HiddenInput)
    # proof that the operator's own ring or look-up identified the deputy (console.identified)
    identified = core.text("代表识别", max_length=200, required=False, widget=forms.HiddenInput)
    requester_name = core.text("诉求人", max_length=limits.NAME, required=False)
    requester_phone = core.text("联系电话", max_length=limits.PHONE, required=False)
    is_anonymous = forms.BooleanField(label="匿名", required=False)
    request_type = forms.ModelChoiceField(
        label="诉求类型", queryset=RequestType.objects.all(), empty_label=None
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    complexity = forms.ChoiceField(
        label="复杂程度", choices=Complexity.choices, initial=Complexity.NORMAL
    )
    category = forms.ModelChoiceField(
        label="诉求分类",
        queryset=Category.objects.filter(is_active=True).select_related("parent"),
        required=False,
    )
    region = forms.ModelChoiceField(label="所属区域", queryset=Region.objects.all(), required=False)
    address = core.text("事发地址", max_length=limits.ADDRESS, required=False)
    title = core.text("标题", max_length=limits.TITLE)
    content = core.text("诉求内容", max_length=limits.CONTENT, rows=5)

    # the order's own fields first, the decision (from IntakeDecisionFields) last
    field_order = [
        "channel",
        "deputy",
        "call_id",
        "identified",
        "requester_name",
        "requester_phone",
        "is_anonymous",
        "request_type",
        "urgency",
        "complexity",
        "category",
        "region",
        "address",
        "title",
        "content",
    ]

    def clean_requester_phone(self) -> str:
        raw = self.cleaned_data.get("requester_phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean(self):
        data = super().clean()
        if data.get("channel") == Channel.DEPUTY_CALL and not data.get("deputy"):
            self.add_error("channel", "代表来电须关联代表：请从来电弹屏或号码查询进入。")
        return data
