"""The dates, times and text lengths the product accepts, decided once.

Year 0001 or 9999 is never a real hotline date, and such a value breaks far from where it was
typed: midnight of 0001-01-01 in Beijing does not exist in UTC (OverflowError), and the
working-day calendar only knows the lunar holidays of 1900–2099 (ValueError on approving an
extension to 9999). So every date the product takes in is checked here first: the form fields
(``minyi.core.forms``), the API's fields, the CTI webhook's ``at``, and the services that take a
date or time from their caller. A value outside the bounds is a ``ValidationFailed`` with a
Chinese message, which pages and the API already turn into a 400.

Two kinds of bounds:

- any date or time: the years ``EARLIEST_YEAR``–``LATEST_YEAR`` (Beijing time);
- a deadline someone sets by hand (an extension, a redo's time limit): after now and at most
  ``DEADLINE_HORIZON`` ahead; a longer "deadline" is a typo, and no rule in DESIGN §4 comes
  near it (the longest is 10 working days, an extension a few weeks).

A row id typed into a URL or form goes through ``parse_id`` (ASCII digits, below 2**63).

Text limits are stated per field (``minyi.orders.text_limits`` for the orders); ``check_length``
is the services' side of the same number.
"""

from __future__ import annotations

import re
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta

from minyi.core import timefmt
from minyi.core.errors import ValidationFailed
from minyi.core.timefmt import SHANGHAI

EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
EARLIEST_DATE = date(EARLIEST_YEAR, 1, 1)
LATEST_DATE = date(LATEST_YEAR, 12, 31)
DEADLINE_HORIZON = timedelta(days=366)

YEARS_TEXT = f"{EARLIEST_YEAR} 年至 {LATEST_YEAR} 年之间"


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.date()
        # Converting a time in year 1 or 9999 can itself overflow; either is out anyway.
        if value.year in (MINYEAR, MAXYEAR):
            return value.date()
        return value.astimezone(SHANGHAI).date()
    return value


def date_allowed(value: date | datetime) -> bool:
    """Whether the day (in Beijing time) lies in the years the product works with."""
    return EARLIEST_DATE <= _local_day(value) <= LATEST_DATE


def check_date(value: date | datetime | None, *, label: str) -> None:
    """Refuse a date or time outside the product's years (``None`` passes: optional)."""
    if value is None:
        return
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValidationFailed(f"{label}缺少时区（须为北京时间）。")
    if not date_allowed(value):
        raise ValidationFailed(f"{label}须在 {YEARS_TEXT}。")


def check_year(year: int, *, label: str = "年份") -> None:
    if not (isinstance(year, int) and EARLIEST_YEAR <= year <= LATEST_YEAR):
        raise ValidationFailed(f"{label}须在 {YEARS_TEXT}。")


def deadline_latest(now: datetime) -> datetime:
    return now + DEADLINE_HORIZON


def check_deadline(value: datetime | None, *, label: str, now: datetime) -> None:
    """A deadline set by hand: after ``now`` and within the horizon (``None`` passes)."""
    if value is None:
        return
    check_date(value, label=label)
    if value <= now:
        raise ValidationFailed(f"{label}须晚于当前时间。")
    latest = deadline_latest(now)
    if value > latest:
        raise ValidationFailed(f"{label}不能晚于 {timefmt.day_text(latest)}（一年之内）。")


def check_length(value: str | None, *, label: str, max_length: int) -> None:
    """Refuse a text longer than its stated limit (the form states the same number)."""
    if value and len(value) > max_length:
        raise ValidationFailed(f"{label}最多 {max_length} 字（现为 {len(value)} 字）。")


_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only ("²".isdigit() is True), below 2**63


def parse_id(value) -> int | None:
    """A row id from user input, or None: a junk id must not reach a query (int("²") raises,
    and SQLite cannot bind an integer of 20 digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value < 2**63 else None
    text = str(value).strip() if value is not None else ""
    return int(text) if _ID.fullmatch(text) else None
