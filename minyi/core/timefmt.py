"""The one place a date or a time becomes text (DESIGN §4: the business time zone).

Every time shown or sent — an SMS, a refusal message, a page label, an admin column, a CLI line,
a JSON field — is Beijing time (Asia/Shanghai), whatever time zone the process or Django happens
to be set to: a datetime read from the database is in UTC, and formatting it directly printed
"已超过退件时限（2026-12-01 15:59）" for a 23:59 deadline. So code outside this module never
formats a date or a time itself (no ``strftime``, no ``{value:%H:%M}``, no
``timezone.localtime``); ``tests/core/test_time_formatting_guard.py`` checks it. Templates format
through Django's current time zone, which is ``TIME_ZONE = "Asia/Shanghai"``.

A ``date`` has no time zone and is written as it is; a ``datetime`` must be aware.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(value: datetime) -> datetime:
    """``value`` in Beijing time."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time shown or sent must be an aware datetime")
    return value.astimezone(SHANGHAI)


def local_date(value: date) -> date:
    """The Beijing date of a moment (a ``date`` is returned as it is)."""
    return local(value).date() if isinstance(value, datetime) else value


def local_text(value: datetime, *, seconds: bool = False) -> str:
    """``2026-12-01 23:59`` (``23:59:59`` with ``seconds``)."""
    return local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def short_text(value: datetime) -> str:
    """``12-01 23:59``: a recent moment, where the year goes without saying."""
    return local(value).strftime("%m-%d %H:%M")


def sms_text(value: datetime) -> str:
    """``12月1日 10:30`` as an SMS writes a time; a deadline at the end of a day (23:59 or
    24:00) is the day alone, ``12月1日``."""
    moment = local(value)
    day = f"{moment.month}月{moment.day}日"
    if (moment.hour, moment.minute) in ((23, 59), (0, 0)):
        return day
    return f"{day} {moment.strftime('%H:%M')}"


def sms_day(value: date) -> str:
    """``12月1日``: a day as an SMS writes it (a moment is written as its Beijing date)."""
    day = local_date(value)
    return f"{day.month}月{day.day}日"


def input_text(value: datetime) -> str:
    """``2026-12-01T23:59``, the value a ``datetime-local`` input reads."""
    return local(value).strftime("%Y-%m-%dT%H:%M")


def iso(value: datetime) -> str:
    """ISO 8601 with the Beijing offset: ``2026-12-01T23:59:59+08:00``."""
    return local(value).isoformat()


def day_text(value: date) -> str:
    """``2026-12-01``; a moment is written as its Beijing date."""
    return local_date(value).isoformat()


def compact_day(value: date) -> str:
    """``20261201``, for order numbers and file names."""
    return local_date(value).strftime("%Y%m%d")


def month_text(value: date) -> str:
    """``2026-12``."""
    return local_date(value).strftime("%Y-%m")


def log_time(timestamp: float) -> str:
    """``2026-12-01T23:59:59.123+08:00``: a log line's moment (``time.time()``), to the millisecond."""
    return datetime.fromtimestamp(timestamp, SHANGHAI).isoformat(timespec="milliseconds")
