"""The fixed statutory holidays (全国年节及纪念日放假办法, as amended 2024, in force 2025),
used for years the State Council has not yet published: 13 days, lunar dates computed."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from lunardate import LunarDate


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def _qingming(year: int) -> date:
    for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10)):
        if name == "清明":
            return day
    raise ValueError(f"no 清明 found in April {year}")


def statutory_holidays(year: int) -> dict[date, str]:
    """Holiday dates of ``year`` with their names."""
    spring = _lunar(year, 1, 1)
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    for offset in range(-1, 3):  # 除夕, 初一, 初二, 初三
        days[spring + timedelta(days=offset)] = "春节"
    days[_qingming(year)] = "清明节"
    days[date(year, 5, 1)] = "劳动节"
    days[date(year, 5, 2)] = "劳动节"
    days[_lunar(year, 5, 5)] = "端午节"
    days[_lunar(year, 8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[date(year, 10, day)] = "国庆节"
    return days
