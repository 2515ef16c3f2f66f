"""The forms of a message's actions on the staff side (``actions.py``): each carries the
idempotency key, and each only parses — the rules are the services' (``services/handling.py``)."""

from __future__ import annotations

from django import forms

from minyi.core import forms as core
from minyi.core.idempotency import KeyedForm
from minyi.mashang.models import Message
from minyi.mashang.services.followup import prefilled_answer
from minyi.mashang.services.handling import ANSWER_MAX, NOTE_MAX, default_title
from minyi.orders.text_limits import TITLE
from minyi.reference.models import RequestType


class MessageActionForm(KeyedForm):
    def __init__(self, *args, message: Message, action: str, **kwargs):
        # distinct ids per form: several forms with a "note" field share one page
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.message = message


class AnswerForm(MessageActionForm):
    text = core.text(
        "答复内容",
        max_length=ANSWER_MAX,
        rows=6,
        error_messages={"required": "请填写答复内容。"},
        help_text="答复将通过平台告知群众（短信提示其凭查询码查看），不会显示您的电话",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # once 12345 has a result, the answer starts from it (the deputy edits it before sending)
        self.fields["text"].initial = prefilled_answer(self.message)


class ForwardForm(MessageActionForm):
    request_type = forms.ModelChoiceField(
        label="诉求类型",
        queryset=RequestType.objects.filter(is_report=False).order_by("sort", "id"),
        empty_label=None,
    )
    title = core.text(
        "工单标题",
        max_length=TITLE,
        error_messages={"required": "请填写工单标题。"},
        help_text="用一句话概括诉求，如“某村口桥梁护栏损坏”",
    )
    note = core.text("给12345的附言（选填）", max_length=NOTE_MAX, rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_type"].initial = (
            RequestType.objects.filter(code="help").values_list("pk", flat=True).first()
        )
        self.fields["title"].initial = default_title(self.message)


class HandForm(MessageActionForm):
    note = core.text("转交说明（选填）", max_length=NOTE_MAX, rows=2, required=False)


class CloseForm(MessageActionForm):
    note = core.text(
        "关闭说明",
        max_length=NOTE_MAX,
        rows=2,
        error_messages={"required": "请写明关闭的理由（如重复留言、已当面答复）。"},
    )
