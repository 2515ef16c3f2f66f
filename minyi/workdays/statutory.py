"""The fixed statutory holidays (全国年节及纪念日放假办法, as amended 2024, in force 2025),
used for years the State Council has not yet published: 13 days, lunar dates computed, and the
make-up days off (补休) the rules give when one of them falls on a weekend."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate

MAKE_UP = "补休"


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10)):
        if name == "清明":
            return day
    raise ValueError(f"no 清明 found in April {year}")


def _statutory_days(year: int) -> list[tuple[date, str]]:
    """(date, holiday) for each of the 13 days the rules give, in the rules' order; two
    holidays can meet on one date (中秋 on 10/1–10/3)."""
    spring = _lunar(year, 1, 1)
    days = [(date(year, 1, 1), "元旦")]
    days += [(spring + timedelta(days=offset), "春节") for offset in range(-1, 3)]  # 除夕–初三
    days += [
        (_qingming(year), "清明节"),
        (date(year, 5, 1), "劳动节"),
        (date(year, 5, 2), "劳动节"),
    ]
    days += [(_lunar(year, 5, 5), "端午节"), (_lunar(year, 8, 15), "中秋节")]
    days += [(date(year, 10, day), "国庆节") for day in (1, 2, 3)]
    return days


def statutory_holidays(year: int) -> dict[date, str]:
    """Holiday dates of ``year`` with their names (where two meet, the later in the rules)."""
    return dict(_statutory_days(year))


def provisional_holidays(year: int) -> dict[date, str]:
    """The days off of a year without the State Council's notice: the statutory days, and a
    make-up day off (``春节补休``) for each that falls on a Saturday or Sunday.

    第六条: "全体公民放假的假日，如果适逢周六、周日，应当在工作日补假。" The make-up day is the
    first weekday after the holiday not already off, so the days of one holiday stay together
    (初一 and 初二 on a weekend → the Tuesday and Wednesday after 初三). A statutory day on which
    another already falls (中秋 on 10/1–10/3) is made up the same way, as the 2020 notice did.
    Make-up working days (调休上班) are the notice's choice and are not guessed.
    """
    pairs = _statutory_days(year)
    days = dict(pairs)
    # Owed: each day on a weekend, and each holiday whose date another holiday took.
    owed = sorted((day, name) for day, name in pairs if day.weekday() >= 5 or days[day] != name)
    for after, name in owed:
        day = after + timedelta(days=1)
        while day.weekday() >= 5 or day in days:
            day += timedelta(days=1)
        days[day] = name + MAKE_UP
    return dict(sorted(days.items()))
