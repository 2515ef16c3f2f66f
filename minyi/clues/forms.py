"""The clue library's forms (each keyed: a double submit acts once)."""

from __future__ import annotations

import re

from django import forms

from minyi.clues.models import NOTE_MAX, SUMMARY_MAX, TITLE_MAX, ClueStatus
from minyi.core import forms as core
from minyi.core.bounds import parse_id
from minyi.core.idempotency import KeyedForm
from minyi.deputies.models import Deputy, ProfessionalGroup
from minyi.orders.text_limits import ORDER_NUMBER

_SPLIT = re.compile(r"[\s,，、;；]+")
IDS_MAX = 2000


def split_values(raw: str) -> list[str]:
    return [part for part in _SPLIT.split(raw or "") if part]


BAD_IDS = "工单参数有误，请从热点问题页面重新进入。"


def ids_of(raw: str) -> list[int] | None:
    """Order ids from ``12,34,56``; None when one is not an id."""
    ids = [parse_id(v) for v in split_values(raw)]
    return None if None in ids else ids[:IDS_MAX]


class ClueCreateForm(KeyedForm):
    title = core.TextField(label="线索标题", max_length=TITLE_MAX)
    summary = core.TextField(
        label="概述",
        max_length=SUMMARY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    group = forms.ModelChoiceField(
        label="交专业小组", queryset=ProfessionalGroup.objects.all(), required=False
    )
    # the ids a topic links with (GET ?orders=12,34), and numbers typed by hand
    orders = core.TextField(
        label="工单", max_length=IDS_MAX, required=False, widget=forms.HiddenInput
    )
    numbers = core.TextField(
        label="另加工单编号",
        max_length=IDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="可选。多个编号用逗号或换行分隔。",
    )

    def clean_orders(self) -> list[int]:
        ids = ids_of(self.cleaned_data.get("orders", ""))
        if ids is None:
            raise forms.ValidationError(BAD_IDS)
        return ids

    def clean_numbers(self) -> list[str]:
        return order_numbers(self.cleaned_data.get("numbers", ""))


def order_numbers(raw: str) -> list[str]:
    """Order numbers typed by hand (split on commas, spaces, new lines)."""
    values = split_values(raw)
    if any(len(v) > ORDER_NUMBER for v in values):
        raise forms.ValidationError("工单编号有误。")
    return values


class LinkForm(KeyedForm):
    numbers = core.TextField(
        label="工单编号",
        max_length=IDS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="多个编号用逗号或换行分隔。",
    )

    def clean_numbers(self) -> list[str]:
        return order_numbers(self.cleaned_data.get("numbers", ""))


class AssignForm(KeyedForm):
    group = forms.ModelChoiceField(label="专业小组", queryset=ProfessionalGroup.objects.all())


class CloseForm(KeyedForm):
    note = core.TextField(
        label="关闭理由", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(KeyedForm):
    text = core.TextField(
        label="调研内容", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(label="附件（可选）", required=False)


class SuggestForm(KeyedForm):
    title = core.TextField(label="建议标题", max_length=TITLE_MAX)
    content = core.TextField(
        label="建议内容", max_length=NOTE_MAX * 2, widget=forms.Textarea(attrs={"rows": 6})
    )
    cosigners = forms.ModelMultipleChoiceField(
        label="附议代表（本小组）",
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, clue=None, deputy_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if clue is not None and clue.group_id:
            # the group's other serving members: the only co-signers this form offers
            self.fields["cosigners"].queryset = clue.group.deputies.filter(is_active=True).exclude(
                pk=deputy_id
            )


class ClueFilterForm(core.Form):
    """The list's filters (a look-up: no key)."""

    status = forms.ChoiceField(
        label="状态", choices=[("", "全部")] + list(ClueStatus.choices), required=False
    )
    group = forms.ModelChoiceField(
        label="专业小组",
        queryset=ProfessionalGroup.objects.all(),
        required=False,
        empty_label="全部",
    )
    q = core.TextField(label="标题含", max_length=50, required=False)
