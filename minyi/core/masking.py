"""Masking of personal data (DESIGN §9): 138****5678, 张*, and the patterns that find a phone
number (or an SMS code, an ID number) in free text — for logs and for redaction."""

from __future__ import annotations

import re


def mask_phone(value: str) -> str:
    digits = value.removeprefix("+86")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


# -- numbers in free text ------------------------------------------------------------------------

_SEP = r"[ \-]?"  # how people split a number: 138 1234 5678, 138-1234-5678, 0731-85309270
_MOBILE = rf"(?:(?:\+|00)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_E164 = r"\+[1-9]\d{6,14}"
_LANDLINE = r"0\d{2,3}-\d{7,8}"
# Not preceded or followed by a digit, so parts of longer numbers (order numbers, timestamps)
# are left alone. Chinese text around a number is fine: "电话13812345678" is found.
PHONE_IN_TEXT = re.compile(rf"(?<![\d+])(?:{_MOBILE}|{_E164}|{_LANDLINE})(?!\d)")
# An SMS verification code after the word that announces it: 验证码 123456, code=123456.
SMS_CODE_IN_TEXT = re.compile(
    r"(验证码|校验码|动态码|确认码|\bcode\b)([^\d\n]{0,8}?)(\d{4,8})(?!\d)", re.IGNORECASE
)
# A resident ID number (居民身份证号): 18 characters, the last a digit or X.
ID_NUMBER_IN_TEXT = re.compile(
    r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)"
)


def _masked_number(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    for prefix in ("0086", "86"):
        if len(digits) > 11 and digits.startswith(prefix):
            digits = digits.removeprefix(prefix)
            break
    return mask_phone(digits)


def mask_numbers_in(text: str) -> str:
    """``text`` with every phone number, SMS code and ID number in it masked (for logs):
    "已发送至13812345678，验证码 482913" → "已发送至138****5678，验证码 ******"."""
    if not text:
        return text
    text = ID_NUMBER_IN_TEXT.sub(lambda m: m.group(0)[:4] + "*" * 10 + m.group(0)[-4:], text)
    text = PHONE_IN_TEXT.sub(_masked_number, text)
    return SMS_CODE_IN_TEXT.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)), text)


def phone_spellings(number: str) -> str:
    """A regular expression for the usual spellings of one number (E.164 or national):
    +8613812345678, 008613812345678, 138 1234 5678, 138-1234-5678; 0731-85309270 for a
    landline stored as +8673185309270. Empty for a number too short to be one."""
    digits = re.sub(r"\D", "", number.removeprefix("+86"))
    if len(digits) < 7:
        return ""
    return rf"(?<!\d)(?:(?:\+|00)?86{_SEP}|0)?{_SEP.join(digits)}(?!\d)"
