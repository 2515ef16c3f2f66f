"""Parse a year's holiday notice typed as text, one day or span per line:

    2027-01-01 放假 元旦
    2027-02-05..2027-02-11 放假 春节
    2027-02-20 上班 春节调休

The kind is 放假/休/holiday or 上班/班/workday; the name is optional. Blank lines and lines
starting with # are ignored. Errors name the line, in Chinese.
"""

from __future__ import annotations

from datetime import date, timedelta

from minyi.core import timefmt
from minyi.core.errors import ValidationFailed
from minyi.workdays.models import DayKind

_KINDS = {
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "holiday": DayKind.HOLIDAY,
    "上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "workday": DayKind.WORKDAY,
}


def _date(text: str, line_no: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"第 {line_no} 行：“{text}”不是日期（格式 2027-01-01）。") from None


def parse_notice(text: str) -> list[tuple[date, str, str]]:
    days: dict[date, tuple[str, str]] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.replace(",", " ").replace("，", " ").split()
        if len(parts) < 2:
            raise ValidationFailed(f"第 {line_no} 行：须写明日期和类型（放假或上班）。")
        span, kind_text, name = parts[0], parts[1], " ".join(parts[2:])
        kind = _KINDS.get(kind_text.lower())
        if kind is None:
            raise ValidationFailed(
                f"第 {line_no} 行：类型“{kind_text}”无法识别，请写“放假”或“上班”。"
            )
        first_text, _, last_text = span.partition("..")
        first = _date(first_text, line_no)
        last = _date(last_text, line_no) if last_text else first
        if last < first or (last - first).days > 31:
            raise ValidationFailed(f"第 {line_no} 行：日期区间无效。")
        day = first
        while day <= last:
            if day in days and days[day][0] != kind:
                raise ValidationFailed(
                    f"第 {line_no} 行：{timefmt.day_text(day)} 同时被写成放假和上班。"
                )
            days[day] = (kind, name)
            day += timedelta(days=1)
    return sorted((d, k, n) for d, (k, n) in days.items())
