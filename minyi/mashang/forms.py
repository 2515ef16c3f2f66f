"""The forms of 码上找代表. The citizen's (``citizen_views.py``) only shape the input: every
rule (consent, the deputy of the code, the code, the limits, the photos) is ``message_create``'s,
whose refusals come back onto the field they concern (``SERVICE_FIELDS``). Those of a message's
actions on the staff side (``actions.py``) carry the idempotency key and only parse: the rules are
the services' (``services/handling.py``)."""

from __future__ import annotations

from django import forms

from minyi.core import forms as core
from minyi.core.idempotency import KeyedForm
from minyi.mashang.models import (
    CONTENT_MAX,
    NAME_MAX,
    PHOTOS_MAX,
    TRACKING_LENGTH,
    Message,
    Rating,
)
from minyi.mashang.services.abuse import REASON_MAX
from minyi.mashang.services.followup import prefilled_answer
from minyi.mashang.services.handling import ANSWER_MAX, NOTE_MAX, default_title
from minyi.orders.text_limits import TITLE
from minyi.reference.models import RequestType

PHONE_MAX = 20


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``PHOTOS_MAX`` files from one input (checked by the service, not here)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class MessageForm(KeyedForm):
    content = core.text(
        "留言内容",
        max_length=CONTENT_MAX,
        rows=8,
        help_text=f"请写清事情和地点，最多 {CONTENT_MAX} 字。",
    )
    name = core.text("您的称呼（可不填）", max_length=NAME_MAX, required=False)
    anonymous = forms.BooleanField(label="匿名留言（代表看不到您的称呼）", required=False)
    phone = core.text(
        "手机号码",
        max_length=PHONE_MAX,
        help_text="用于接收验证码和查询码；代表看不到您的完整号码。",
    )
    sms_code = core.text("短信验证码", max_length=6, required=False, help_text="短信中的6位数字")
    photos = PhotosField(
        label=f"照片（可不传，最多{PHOTOS_MAX}张）",
        help_text="获取验证码后再选择照片。照片中的拍摄位置等信息会被清除。",
    )
    consent = forms.BooleanField(label="我已阅读并同意《个人信息保护告知》", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "pattern": r"[0-9 +\-]*"}
        )
        self.fields["sms_code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        )


# Which field a refusal of the service belongs to (by its code); others go above the form.
SERVICE_FIELDS = {
    "content_required": "content",
    "content_too_long": "content",
    "name_too_long": "name",
    "consent_required": "consent",
    "phone_invalid": "phone",
    "sms_code_invalid": "sms_code",
    "sms_code_expired": "sms_code",
    "sms_code_spent": "sms_code",
    "too_many_photos": "photos",
}


def field_of(code: str) -> str | None:
    if code in SERVICE_FIELDS:
        return SERVICE_FIELDS[code]
    if code.startswith("file_"):
        return "photos"
    return None


class TrackForm(core.Form):
    """A look-up, harmless to repeat: no idempotency key."""

    tracking_code = core.text("查询码", max_length=16, help_text=f"{TRACKING_LENGTH}位字母和数字")
    phone = core.text("留言时填写的手机号码", max_length=PHONE_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tracking_code"].widget.attrs.update(
            {"autocapitalize": "characters", "autocomplete": "off"}
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})


class RatingForm(KeyedForm):
    tracking_code = core.text("查询码", max_length=16, widget=forms.HiddenInput)
    phone = core.text("手机号码", max_length=PHONE_MAX, widget=forms.HiddenInput)
    answered = forms.TypedChoiceField(
        label="代表答复了吗？",
        choices=[("yes", "是"), ("no", "否")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    rating = forms.ChoiceField(
        label="您对办理结果满意吗？", choices=Rating.choices, widget=forms.RadioSelect
    )


# -- the staff side: a message's actions --------------------------------------------------------


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


class ReasonForm(MessageActionForm):
    """标记恶意留言 and 屏蔽号码: a reason, recorded with who and when."""

    reason = core.TextField(
        label="理由",
        max_length=REASON_MAX,
        help_text=f"写明理由，{REASON_MAX}字以内；操作人、时间和理由都会记录在案。",
    )
