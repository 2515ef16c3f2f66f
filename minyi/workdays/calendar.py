"""Deadline arithmetic on the working-day calendar (DESIGN §4).

Conventions (also in the README):

* "N working days from T": the day of T does not count; the deadline is the end of the N-th
  working day after T's date, written as 23:59:59 Asia/Shanghai of that day.
* "N working hours from T": the clock runs during working days (all 24 hours of them) and stops
  on rest days; a start on a rest day waits for the next working day's 00:00.
* "N natural days from T": the end (23:59:59) of the N-th calendar day after T's date.
* A deadline is *provisional* when any day from T's date to the deadline lies in a year without
  the State Council's official notice.

``get_calendar()`` returns a process-wide snapshot that reloads when the calendar revision in the
database changes (checked at most every ``CALENDAR_RECHECK_SECONDS``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from minyi.core import timefmt
from minyi.core.timefmt import SHANGHAI
from minyi.workdays.statutory import provisional_holidays

END_OF_DAY = timedelta(hours=23, minutes=59, seconds=59)
ONE_DAY = timedelta(days=1)
# A deadline more than this many days away is a configuration mistake, not a real limit.
MAX_SPAN_DAYS = 3660


def day_start(day: date) -> datetime:
    """00:00 of ``day`` in the business time zone (Asia/Shanghai)."""
    return datetime.combine(day, datetime.min.time(), SHANGHAI)


@dataclass(frozen=True)
class Due:
    at: datetime
    provisional: bool

    def isoformat(self) -> str:
        return timefmt.iso(self.at)


class WorkCalendar:
    """An immutable snapshot: which dates are working days, and which years are official."""

    def __init__(
        self, *, special: dict[date, bool], defined_years: set[int], official_years: set[int]
    ):
        self._special = dict(special)  # date -> is a working day
        self._defined_years = frozenset(defined_years)
        self._official_years = frozenset(official_years)
        self._generated: dict[int, dict[date, bool]] = {}
        self._lock = threading.Lock()

    # -- days -------------------------------------------------------------------------------

    def _generated_year(self, year: int) -> dict[date, bool]:
        days = self._generated.get(year)
        if days is None:
            with self._lock:
                days = {d: False for d in provisional_holidays(year) if d.year == year}
                self._generated[year] = days
        return days

    def is_workday(self, day: date) -> bool:
        if day.year in self._defined_years:
            flag = self._special.get(day)
        else:
            flag = self._generated_year(day.year).get(day)
        if flag is not None:
            return flag
        return day.weekday() < 5

    def is_official_year(self, year: int) -> bool:
        return year in self._official_years

    def spans_provisional(self, first: date, last: date) -> bool:
        return any(y not in self._official_years for y in range(first.year, last.year + 1))

    def special_days(self, year: int) -> list[tuple[date, bool, bool]]:
        """(date, is_workday, stored) for the days of ``year`` that differ from plain weekdays."""
        if year in self._defined_years:
            return sorted((d, w, True) for d, w in self._special.items() if d.year == year)
        return sorted((d, w, False) for d, w in self._generated_year(year).items())

    # -- deadlines --------------------------------------------------------------------------

    def add_working_days(self, start: datetime, days: int) -> Due:
        local = start.astimezone(SHANGHAI)
        day = local.date()
        first = day
        remaining = days
        guard = 0
        while remaining > 0:
            day += ONE_DAY
            guard += 1
            if guard > MAX_SPAN_DAYS:
                raise ValueError("deadline too far away")
            if self.is_workday(day):
                remaining -= 1
        at = day_start(day) + END_OF_DAY
        return Due(at, self.spans_provisional(first, day))

    def add_working_hours(self, start: datetime, hours: float) -> Due:
        local = start.astimezone(SHANGHAI)
        first = local.date()
        remaining = timedelta(hours=hours)
        cursor = local
        guard = 0
        while True:
            day = cursor.date()
            midnight = day_start(day + ONE_DAY)
            if self.is_workday(day):
                available = midnight - cursor
                if remaining <= available:
                    end = cursor + remaining
                    return Due(end, self.spans_provisional(first, end.date()))
                remaining -= available
            cursor = midnight
            guard += 1
            if guard > MAX_SPAN_DAYS:
                raise ValueError("deadline too far away")

    def add_natural_days(self, start: datetime, days: int) -> Due:
        day = start.astimezone(SHANGHAI).date() + timedelta(days=days)
        at = day_start(day) + END_OF_DAY
        return Due(at, self.spans_provisional(start.astimezone(SHANGHAI).date(), day))

    def working_days_before(self, day: date, days: int) -> date:
        """The working day ``days`` working days before ``day`` (a reminder ahead of a date)."""
        current = day
        for _ in range(MAX_SPAN_DAYS):
            if days <= 0:
                return current
            current -= ONE_DAY
            if self.is_workday(current):
                days -= 1
        raise ValueError("date too far away")

    def subtract_working_hours(self, end: datetime, hours: float) -> datetime:
        """The moment ``hours`` of working time before ``end`` (used for the yellow warning)."""
        remaining = timedelta(hours=hours)
        cursor = end.astimezone(SHANGHAI)
        for _ in range(MAX_SPAN_DAYS):
            day = cursor.date()
            if cursor.timetz().replace(tzinfo=None) == datetime.min.time():
                day -= ONE_DAY  # 00:00 is the end (24:00) of the day before
            start = day_start(day)
            if self.is_workday(day):
                available = cursor - start
                if remaining <= available:
                    return cursor - remaining
                remaining -= available
            cursor = start
        raise ValueError("deadline too far away")

    def due(self, start: datetime, amount: int, unit: str) -> Due:
        if unit == "working_days":
            return self.add_working_days(start, amount)
        if unit == "working_hours":
            return self.add_working_hours(start, amount)
        if unit == "natural_days":
            return self.add_natural_days(start, amount)
        raise ValueError(f"unknown time-limit unit {unit!r}")


# -- the process-wide snapshot ------------------------------------------------------------------

_state_lock = threading.Lock()
_snapshot: WorkCalendar | None = None
_snapshot_revision: int | None = None
_checked_at = 0.0


def _current_revision() -> int:
    from minyi.workdays.models import CalendarRevision

    return CalendarRevision.objects.values_list("number", flat=True).first() or 0


def load_calendar() -> WorkCalendar:
    from minyi.workdays.models import CalendarYear, DayKind, SpecialDay, YearStatus

    years = dict(CalendarYear.objects.values_list("year", "status"))
    special = {
        day: kind == DayKind.WORKDAY for day, kind in SpecialDay.objects.values_list("date", "kind")
    }
    return WorkCalendar(
        special=special,
        defined_years=set(years),
        official_years={y for y, s in years.items() if s == YearStatus.OFFICIAL},
    )


def get_calendar() -> WorkCalendar:
    """The current calendar; reloads when another process (or this one) changed it."""
    global _snapshot, _snapshot_revision, _checked_at
    recheck = settings.MINYI["CALENDAR_RECHECK_SECONDS"]
    now = time.monotonic()
    if _snapshot is not None and now - _checked_at < recheck:
        return _snapshot
    with _state_lock:
        revision = _current_revision()
        if _snapshot is None or revision != _snapshot_revision:
            _snapshot = load_calendar()
            _snapshot_revision = revision
        _checked_at = now
        return _snapshot


def invalidate() -> None:
    """Forget the snapshot so the next ``get_calendar()`` reads the database."""
    global _snapshot, _snapshot_revision
    with _state_lock:
        _snapshot = None
        _snapshot_revision = None
