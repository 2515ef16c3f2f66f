"""Calendar edits. Each edit bumps the revision (so every process reloads), writes an audit row,
and recomputes the open deadlines it changes (each moved deadline gets an order event)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable
from datetime import date

from django.db import transaction

from minyi.core import timefmt
from minyi.core.bounds import check_date, check_year
from minyi.core.errors import ValidationFailed
from minyi.workdays import calendar
from minyi.workdays.models import (
    CalendarChange,
    CalendarRevision,
    CalendarYear,
    DayKind,
    SpecialDay,
    YearStatus,
)
from minyi.workdays.seed import provisional_days


def _ensure_year_defined(year: int) -> CalendarYear:
    """A year with no row is computed on the fly; before editing one of its days, write the
    computed days down so the edit does not wipe the other holidays of that year."""
    row, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"status": YearStatus.PROVISIONAL}
    )
    if created:
        SpecialDay.objects.bulk_create(
            [
                SpecialDay(date=d, kind=DayKind.WORKDAY if w else DayKind.HOLIDAY, name=n)
                for d, w, n in provisional_days(year)
            ],
            ignore_conflicts=True,
        )
    return row


def calendar_edit(func):
    """Run a calendar edit in a transaction; if it fails, drop the snapshot this process may have
    loaded from the uncommitted edit."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except BaseException:
            calendar.invalidate()
            raise

    return wrapper


def _calendar_changed(*, dates: Iterable[date], actor, summary: str) -> CalendarChange:
    from minyi.orders.services.deadlines import deadlines_recompute_for_dates

    dates = sorted(set(dates))
    # A random revision, not a counter: a rolled-back edit must never share its number with a
    # later committed one, or a process that saw the rolled-back calendar would keep it.
    CalendarRevision.objects.update_or_create(pk=1, defaults={"number": secrets.randbits(62)})
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
    moved = deadlines_recompute_for_dates(dates=dates, actor=actor, reason=summary) if dates else 0
    return CalendarChange.objects.create(
        actor=actor,
        summary=summary[:300],
        dates=[timefmt.day_text(d) for d in dates],
        orders_recomputed=moved,
    )


@calendar_edit
def special_day_save(*, day: date, kind: str, name: str = "", actor=None) -> CalendarChange:
    check_date(day, label="日期")
    if kind not in DayKind.values:
        raise ValidationFailed(f"未知的日期类型：{kind}")
    _ensure_year_defined(day.year)
    SpecialDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
    label = DayKind(kind).label
    return _calendar_changed(
        dates=[day],
        actor=actor,
        summary=f"设置 {timefmt.day_text(day)} 为{label}{(' ' + name) if name else ''}",
    )


@calendar_edit
def special_day_delete(*, day: date, actor=None) -> CalendarChange:
    check_date(day, label="日期")
    _ensure_year_defined(day.year)
    SpecialDay.objects.filter(date=day).delete()
    return _calendar_changed(
        dates=[day], actor=actor, summary=f"删除 {timefmt.day_text(day)} 的特殊安排，按周末规则计算"
    )


@calendar_edit
def calendar_year_publish(
    *,
    year: int,
    days: Iterable[tuple[date, str, str]],
    source: str = "",
    official: bool = True,
    actor=None,
) -> CalendarChange:
    """Replace a whole year's special days, e.g. entering the State Council's notice for 2027.

    ``days`` holds (date, kind, name). Every date must lie in ``year``.
    """
    check_year(year)
    days = list(days)
    bad = [d for d, _, _ in days if d.year != year]
    if bad:
        raise ValidationFailed(f"{timefmt.day_text(bad[0])} 不在 {year} 年内")
    wrong_kind = [k for _, k, _ in days if k not in DayKind.values]
    if wrong_kind:
        raise ValidationFailed(f"未知的日期类型：{wrong_kind[0]}")
    before = {
        d: k for d, k in SpecialDay.objects.filter(date__year=year).values_list("date", "kind")
    }
    if not CalendarYear.objects.filter(year=year).exists():
        before = {
            d: (DayKind.WORKDAY if w else DayKind.HOLIDAY) for d, w, _ in provisional_days(year)
        }
    SpecialDay.objects.filter(date__year=year).delete()
    SpecialDay.objects.bulk_create([SpecialDay(date=d, kind=k, name=n) for d, k, n in days])
    status = YearStatus.OFFICIAL if official else YearStatus.PROVISIONAL
    CalendarYear.objects.update_or_create(year=year, defaults={"status": status, "source": source})
    after = {d: k for d, k, _ in days}
    changed = {d for d in before.keys() | after.keys() if before.get(d) != after.get(d)}
    # Publishing also changes the provisional mark of every deadline that touches the year.
    if official:
        changed |= {date(year, 1, 1), date(year, 12, 31)}
    label = "正式" if official else "暂定"
    return _calendar_changed(
        dates=changed,
        actor=actor,
        summary=f"录入 {year} 年{label}节假日安排（{len(days)} 天）{source}",
    )


@calendar_edit
def calendar_year_set_status(
    *, year: int, official: bool, source: str = "", actor=None
) -> CalendarChange:
    check_year(year)
    row = _ensure_year_defined(year)
    row.status = YearStatus.OFFICIAL if official else YearStatus.PROVISIONAL
    row.source = source or row.source
    row.save(update_fields=["status", "source", "updated_at"])
    return _calendar_changed(
        dates=[date(year, 1, 1), date(year, 12, 31)],
        actor=actor,
        summary=f"{year} 年标记为{'正式' if official else '暂定'}",
    )
