"""Seed the calendar from the chinese-calendar package (official years 2004–2026) and write the
provisional years after it, so administrators see and can correct them."""

from __future__ import annotations

from datetime import date

import chinese_calendar
from chinese_calendar import constants

from minyi.workdays.statutory import provisional_holidays

OFFICIAL_SOURCE = f"chinese-calendar {getattr(chinese_calendar, '__version__', '1.11.0')}（国务院办公厅节假日安排）"

_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def official_years() -> range:
    first = min(constants.holidays).year
    last = max(constants.holidays).year
    return range(first, last + 1)


def official_days(year: int) -> list[tuple[date, bool, str]]:
    """(date, is_workday, name) for one year the package knows."""
    rows = [
        (d, False, _NAMES.get(str(h), str(h)))
        for d, h in constants.holidays.items()
        if d.year == year
    ]
    rows += [
        (d, True, _NAMES.get(str(h), str(h)) + "调休")
        for d, h in constants.workdays.items()
        if d.year == year
    ]
    return sorted(rows)


def provisional_days(year: int) -> list[tuple[date, bool, str]]:
    """The statutory days of a year without the notice and their make-up days off (补休)."""
    return sorted(
        (d, False, name) for d, name in provisional_holidays(year).items() if d.year == year
    )
