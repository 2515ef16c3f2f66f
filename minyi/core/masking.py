"""Masking of personal data in lists (DESIGN §9): 138****5678, 张*."""

from __future__ import annotations


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
