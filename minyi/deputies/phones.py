"""Phone numbers in E.164 (+86…), from what people type and from what a PBX sends.

People type ``13800138000``, ``+86 138-0013-8000``, ``008613800138000``, ``0731-85309270`` or
``073185309270``. A PBX may add a trunk ``0`` before an out-of-area mobile (``013800138000``),
send a local landline without its area code, or send nothing usable at all (hidden, short codes):
those identify nobody.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings

from minyi.core.errors import ValidationFailed

SEPARATORS = re.compile(r"[,，;；、/\n]+")
_MOBILE_WITH_TRUNK_ZERO = re.compile(r"^0(1[3-9]\d{9})$")
_LOCAL_LANDLINE = re.compile(r"^[2-9]\d{6,7}$")
_USABLE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


class PhoneError(ValidationFailed):
    pass


def split_numbers(cell: str) -> list[str]:
    """``13800138000，13900139000`` → two numbers (separators , ， ; ； 、 / and new lines)."""
    return [part.strip() for part in SEPARATORS.split(cell or "") if part.strip()]


def _digits(raw: str) -> str:
    return re.sub(r"[^\d+]", "", raw or "")


def _parse(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _USABLE_TYPES
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(raw: str) -> str:
    """E.164 of a number a person typed; raises ``PhoneError`` (Chinese message) otherwise."""
    text = (raw or "").strip()
    if not text:
        raise PhoneError("手机号码不能为空。")
    digits = _digits(text)
    trunk = _MOBILE_WITH_TRUNK_ZERO.match(digits)
    if trunk:
        digits = trunk.group(1)
    e164 = _parse(digits)
    if e164 is None:
        raise PhoneError(f"“{text}”不是有效的手机号码或带区号的固定电话。")
    return e164


def caller_e164(raw: str) -> str | None:
    """Best effort for a caller ID: E.164, or None when the number cannot identify anyone."""
    digits = _digits(raw)
    if not digits:
        return None
    trunk = _MOBILE_WITH_TRUNK_ZERO.match(digits)
    if trunk:
        digits = trunk.group(1)
    area = settings.MINYI.get("LOCAL_AREA_CODE", "")
    if area and _LOCAL_LANDLINE.match(digits):
        digits = area + digits
    return _parse(digits)
