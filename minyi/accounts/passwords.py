"""The password policy (等保 身份鉴别): length, character classes, not like the user's name,
not common, not one of the last few. Each rule is a Django password validator, so every way
to set a password (our change page, the security administrator's reset, ``create_admin``,
Django's own forms and commands) applies all of them. Messages in Chinese.

The numbers come from ``settings.MINYI_ACCOUNTS`` (environment: MINYI_PASSWORD_MIN_LENGTH,
MINYI_PASSWORD_HISTORY)."""

from __future__ import annotations

import re
import secrets
import string

from django.conf import settings
from django.contrib.auth import password_validation as django_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)
ATTRIBUTE_NAMES = {
    "username": "用户名",
    "first_name": "名字",
    "last_name": "姓氏",
    "email": "电子邮箱",
}
# Words a password on this system is often built from: anywhere in it (the first set), or
# as all there is apart from digits and symbols (the second), they are a first guess.
CONTEXT_WORDS = frozenset({"minyi", "12345", "rexian"})
CONTEXT_CORES = frozenset({"admin", "hotline", "renda", "zhengwu"})


def _policy(name: str):
    return settings.MINYI_ACCOUNTS[name]


class LengthValidator:
    def __init__(self, min_length: int | None = None):
        self.min_length = min_length

    @property
    def length(self) -> int:
        return self.min_length or _policy("PASSWORD_MIN_LENGTH")

    def validate(self, password, user=None):
        if len(password) < self.length:
            raise ValidationError(
                f"密码太短：至少需要 {self.length} 个字符。", code="password_too_short"
            )

    def get_help_text(self):
        return f"至少 {self.length} 个字符。"


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _, pattern in CLASSES if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 种。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 种。"


class SimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError as error:
            attribute = next(
                (
                    name
                    for name in self.user_attributes
                    if str(user._meta.get_field(name).verbose_name)
                    == error.params.get("verbose_name")
                ),
                "",
            )
            what = ATTRIBUTE_NAMES.get(attribute, "您的个人信息")
            raise ValidationError(f"密码与{what}太相近。", code=error.code) from None

    def get_help_text(self):
        return "不能与用户名、姓名相近。"


class CommonValidator(django_validation.CommonPasswordValidator):
    """Django's 20,000 common passwords, also when only digits or symbols are added around
    one (``Password2026!``), and our own context words."""

    def validate(self, password, user=None):
        lowered = password.lower().strip()
        core = lowered.strip(string.digits + string.punctuation + " ")
        if (
            lowered in self.passwords
            or (len(core) >= 4 and (core in self.passwords or core in CONTEXT_CORES))
            or any(word in lowered for word in CONTEXT_WORDS)
        ):
            raise ValidationError(
                "密码太常见（常用密码、常用词加数字或符号，或本系统的名称），请换一个。",
                code="password_too_common",
            )

    def get_help_text(self):
        return "不能是常用密码。"


class NoReuseValidator:
    """Not the current password nor one of the last ``history`` (``PasswordHistory`` rows,
    written by ``accounts.services.credentials`` whenever a password is set)."""

    def __init__(self, history: int | None = None):
        self.history = history

    @property
    def count(self) -> int:
        return self.history or _policy("PASSWORD_HISTORY")

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        from minyi.accounts.models import PasswordHistory

        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        hashes = list(dict.fromkeys([user.password, *recent[: self.count]]))  # current first
        # check_password without a setter: validating must never rewrite the stored hash
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                f"不能使用最近 {self.count} 次用过的密码。", code="password_reused"
            )

    def get_help_text(self):
        return f"不能与最近 {self.count} 次用过的密码相同。"


SAFE_SYMBOLS = "!#%+-=?@"
SAFE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"  # no I, l, O, o
SAFE_DIGITS = "23456789"


def temporary_password() -> str:
    """A random password that meets the policy, easy to read aloud (no 0/O, 1/l/I)."""
    length = max(14, _policy("PASSWORD_MIN_LENGTH"))
    alphabet = SAFE_LETTERS + SAFE_DIGITS + SAFE_SYMBOLS
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if sum(1 for _, pattern in CLASSES if pattern.search(candidate)) == len(CLASSES):
            return candidate
