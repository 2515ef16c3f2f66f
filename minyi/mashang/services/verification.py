"""SMS codes (验证码) for 码上找代表: a citizen's phone before a message, a deputy's log-in.

A code is 6 digits, valid ``SMS_CODE_TTL_SECONDS`` (5 minutes), and stored only as a keyed hash
(HMAC with the project's secret key), as are the phone and the sender's address the limits count
by: a copy of the database gives away no code and no number. The code goes out through the
outbox like every SMS (template ``mashang_sms_code``); no log line carries it (the outbox's
masking, DESIGN §9). Limits, counted from the rows so they hold across processes: one code a
minute and ``SMS_CODES_PER_PHONE_HOUR`` an hour to a number, ``SMS_CODES_PER_IP_HOUR`` an hour
from an address; ``SMS_CODE_MAX_ATTEMPTS`` wrong tries spend a code.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from minyi.core import clock
from minyi.core.errors import DomainError
from minyi.deputies.phones import PhoneError, normalize_phone
from minyi.mashang.models import SmsCode, SmsCodePurpose

CODE_DIGITS = 6
TEMPLATE = "mashang_sms_code"


class TooMany(DomainError):
    """A limit is reached: ``retry_after`` seconds until the next try may pass (the API's 429
    ``Retry-After``, the page's "请 N 分钟后再试")."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class CodeRefused(DomainError):
    code = "sms_code_invalid"


def _config(name: str) -> int:
    return settings.MINYI_MASHANG[name]


def digest(value: str, *, purpose: str = "") -> str:
    """A keyed hash (HMAC-SHA256 with ``SECRET_KEY``) of a phone, an address or a code."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mobile(raw: str) -> str:
    """The E.164 of a mobile number a citizen typed, or ``CodeRefused`` with the reason."""
    try:
        number = normalize_phone(raw)
    except PhoneError as exc:
        raise CodeRefused(
            exc.message if hasattr(exc, "message") else str(exc), code="phone_invalid"
        ) from None
    if not number.startswith("+861"):
        raise CodeRefused("请填写能接收短信的手机号码。", code="phone_invalid")
    return number


def wait_text(seconds: int) -> str:
    """How long to wait, in words: 45秒, 3分钟, 2小时."""
    if seconds < 60:
        return f"{seconds}秒"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)}分钟"
    return f"{math.ceil(seconds / 3600)}小时"


def check_limit(rows, *, limit: int, window: timedelta, now, message: str) -> None:
    """``TooMany`` when ``rows`` (with ``created_at``) hold ``limit`` rows within ``window``:
    the wait is until the oldest of them leaves the window."""
    recent = list(rows.filter(created_at__gt=now - window).order_by("created_at")[:limit])
    if len(recent) >= limit:
        wait = int((recent[0].created_at + window - now).total_seconds()) + 1
        raise TooMany(f"{message}，请{wait_text(wait)}后再试。", retry_after=wait)


@dataclass(frozen=True)
class Issued:
    phone: str  # E.164
    code: str  # the 6 digits: sent, never stored
    expires_at: object


@transaction.atomic
def sms_code_issue(*, phone: str, purpose: str = SmsCodePurpose.MESSAGE, ip: str = "") -> Issued:
    """Send a new 6-digit code to ``phone`` through the outbox, within the limits (``TooMany``).
    An earlier unused code of the same number and purpose stops working."""
    from minyi.notify.rules import Draft
    from minyi.notify.services import outbox_write

    number = mobile(phone)
    now = clock.now()
    phone_digest = digest(number, purpose="phone")
    ip_digest = digest(ip, purpose="ip") if ip else ""
    mine = SmsCode.objects.select_for_update().filter(phone_digest=phone_digest)
    check_limit(
        mine,
        limit=1,
        window=timedelta(seconds=_config("SMS_CODE_INTERVAL_SECONDS")),
        now=now,
        message="验证码已发送",
    )
    check_limit(
        mine,
        limit=_config("SMS_CODES_PER_PHONE_HOUR"),
        window=timedelta(hours=1),
        now=now,
        message="这个号码获取验证码过于频繁",
    )
    if ip_digest:
        check_limit(
            SmsCode.objects.filter(ip_digest=ip_digest),
            limit=_config("SMS_CODES_PER_IP_HOUR"),
            window=timedelta(hours=1),
            now=now,
            message="获取验证码过于频繁",
        )
    SmsCode.objects.filter(phone_digest=phone_digest, purpose=purpose, used_at=None).update(
        used_at=now
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires_at = now + timedelta(seconds=_config("SMS_CODE_TTL_SECONDS"))
    row = SmsCode.objects.create(
        purpose=purpose,
        phone_digest=phone_digest,
        ip_digest=ip_digest,
        code_digest=digest(code, purpose=f"code:{phone_digest}"),
        created_at=now,
        expires_at=expires_at,
    )
    minutes = str(_config("SMS_CODE_TTL_SECONDS") // 60)
    outbox_write(
        [Draft(TEMPLATE, {"code": code, "minutes": minutes}, phone=number)],
        key=f"smscode{row.pk}",
    )
    return Issued(phone=number, code=code, expires_at=expires_at)


def _failures_key(row: SmsCode) -> str:
    return f"mashang:sms-code-failures:{row.pk}"


def sms_code_check(*, phone: str, code: str, purpose: str = SmsCodePurpose.MESSAGE) -> str:
    """Spend the code sent to ``phone``: returns the number's E.164 when ``code`` is the latest
    unexpired code for it, raises ``CodeRefused`` otherwise. Call it inside the transaction of what
    the code allows: a refused action rolls back and leaves the code unspent.

    Wrong tries are counted in the cache, not in the row, because a wrong code raises and the
    caller's transaction rolls back with it; ``SMS_CODE_MAX_ATTEMPTS`` of them spend the code."""
    number = mobile(phone)
    now = clock.now()
    code = (code or "").strip()
    phone_digest = digest(number, purpose="phone")
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(phone_digest=phone_digest, purpose=purpose, used_at=None)
            .order_by("-created_at", "-id")
            .first()
        )
        if row is None or row.expires_at <= now:
            raise CodeRefused("验证码已过期或未获取，请重新获取。", code="sms_code_expired")
        limit = _config("SMS_CODE_MAX_ATTEMPTS")
        key = _failures_key(row)
        if cache.get(key, 0) >= limit:
            raise CodeRefused("验证码错误次数过多，请重新获取。", code="sms_code_spent")
        if not (len(code) == CODE_DIGITS and code.isdigit()) or not hmac.compare_digest(
            row.code_digest, digest(code, purpose=f"code:{phone_digest}")
        ):
            cache.add(key, 0, timeout=_config("SMS_CODE_TTL_SECONDS") + 60)
            if cache.incr(key) >= limit:
                raise CodeRefused("验证码错误次数过多，请重新获取。", code="sms_code_spent")
            raise CodeRefused("验证码不正确。")
        row.used_at = now
        row.save(update_fields=["used_at"])
    return number
