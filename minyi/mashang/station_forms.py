"""The form of 标记恶意留言 and 屏蔽号码: a reason (the 解除 buttons carry only a key)."""

from __future__ import annotations

from minyi.core import forms as core
from minyi.core.idempotency import KeyedForm
from minyi.mashang.services.abuse import REASON_MAX


class ReasonForm(KeyedForm):
    reason = core.TextField(
        label="理由",
        max_length=REASON_MAX,
        help_text=f"写明理由，{REASON_MAX}字以内；操作人、时间和理由都会记录在案。",
    )
