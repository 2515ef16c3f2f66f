"""Reads for the liaison pages: which deputies have messages waiting, and responsiveness.

**Waiting** (``deputies_waiting``): per deputy, the messages waiting for them to act (holder the
deputy, 待处理 or 12345已反馈待答复), how many, and the oldest one's age in working days (the
days after it came that have ended, DESIGN §4).

**Responsiveness** (``responsiveness``, issue 10; the WriteToThem fair-table rule): per deputy
and per station, over the messages not flagged as abusive:

- 收到 received: every message;
- 已答复 answered: the citizen has an answer (``answered_at``);
- 转12345 forwarded: a work order was made of it (``order``);
- 答复用时中位数 median time to answer: from the message to its answer, in natural hours
  (shown in hours under two days, in days above);
- 评价: 满意 / 基本满意 / 不满意 counts and 满意率 = (满意 + 基本满意) / rated (DESIGN §6, k = 1).

All time, or the messages received in one calendar year (``?year=2026``).

A row's figures are shown only from ``STATS_MIN_SAMPLE`` (default 10) messages received;
below it the row says "样本不足" and shows no rate or median. Each table is one aggregate query
(grouped counts) plus one query for the answer times; no query per deputy.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q

from minyi.core import clock
from minyi.core.timefmt import SHANGHAI
from minyi.mashang.models import Holder, Message, MessageStatus, Rating
from minyi.mashang.services.reminders import working_days_waited
from minyi.mashang.station_scope import Scope
from minyi.workdays.calendar import get_calendar

INSUFFICIENT = "样本不足"
NO_STATION = "未经联络站"
ROWS_MAX = 500  # a city's busiest deputies; the rest are a click on a station away
WAITING = (MessageStatus.OPEN, MessageStatus.RESULT)


def min_sample() -> int:
    return int(settings.MINYI_MASHANG["STATS_MIN_SAMPLE"])


# -- waiting -------------------------------------------------------------------------------------


@dataclass
class Waiting:
    deputy_id: int
    name: str
    count: int
    oldest: datetime
    working_days: int
    told: int  # of them, shown to the station after STATION_TELL_WORKING_DAYS


def deputies_waiting(scope: Scope, now: datetime | None = None) -> list[Waiting]:
    """The deputies with messages waiting for them, the longest waiting first."""
    now = now or clock.now()
    rows = (
        Message.objects.filter(scope.messages_q())
        .filter(holder=Holder.DEPUTY, status__in=WAITING, flagged=False)
        .values("deputy_id", "deputy__name")
        .annotate(
            count=Count("id"),
            oldest=Min("created_at"),
            told=Count("id", filter=Q(station_told_at__isnull=False)),
        )
        .order_by("oldest", "deputy_id")[:ROWS_MAX]
    )
    cal = get_calendar()
    return [
        Waiting(
            deputy_id=row["deputy_id"],
            name=row["deputy__name"],
            count=row["count"],
            oldest=row["oldest"],
            working_days=working_days_waited(row["oldest"], now, cal),
            told=row["told"],
        )
        for row in rows
    ]


# -- responsiveness ------------------------------------------------------------------------------


@dataclass
class Row:
    key: int | None
    label: str
    received: int = 0
    answered: int = 0
    forwarded: int = 0
    satisfied: int = 0
    basically: int = 0
    unsatisfied: int = 0
    answer_hours: list[float] = field(default_factory=list, repr=False)
    sample: int = 10

    @property
    def enough(self) -> bool:
        return self.received >= self.sample

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically + self.unsatisfied

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.answer_hours) if self.answer_hours else None

    @property
    def median_text(self) -> str:
        hours = self.median_hours
        if hours is None:
            return "—"
        if hours < 48:
            return f"{hours:.1f} 小时"
        return f"{hours / 24:.1f} 天"

    @property
    def satisfaction(self) -> float | None:
        return (self.satisfied + self.basically) / self.rated if self.rated else None

    @property
    def satisfaction_text(self) -> str:
        rate = self.satisfaction
        return "—" if rate is None else f"{rate * 100:.1f}%"

    @property
    def answered_text(self) -> str:
        return f"{self.answered / self.received * 100:.1f}%" if self.received else "—"


@dataclass
class Responsiveness:
    deputies: list[Row]
    stations: list[Row]
    sample: int


def _table(messages, key: str, label: str, sample: int) -> list[Row]:
    counts = (
        messages.values(key, label)
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            forwarded=Count("id", filter=Q(order__isnull=False)),
            satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)),
            basically=Count("id", filter=Q(rating=Rating.BASICALLY)),
            unsatisfied=Count("id", filter=Q(rating=Rating.UNSATISFIED)),
        )
        .order_by("-received", label)[:ROWS_MAX]
    )
    rows = {
        row[key]: Row(
            key=row[key],
            label=row[label] or NO_STATION,
            received=row["received"],
            answered=row["answered"],
            forwarded=row["forwarded"],
            satisfied=row["satisfied"],
            basically=row["basically"],
            unsatisfied=row["unsatisfied"],
            sample=sample,
        )
        for row in counts
    }
    times = messages.filter(answered_at__isnull=False).values_list(key, "created_at", "answered_at")
    hours: dict = defaultdict(list)
    for group, created, answered in times.iterator():
        hours[group].append((answered - created).total_seconds() / 3600)
    for group, row in rows.items():
        row.answer_hours = hours.get(group, [])
    return list(rows.values())


def year_of(raw: str | None) -> int | None:
    """The year a page asks for (``?year=2026``), or None (all time) for anything else."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100 else None


def responsiveness(scope: Scope, year: int | None = None) -> Responsiveness:
    """Per deputy and per station, over the scope's messages not flagged (module docstring),
    those received in ``year`` (Beijing time) when given."""
    sample = min_sample()
    messages = Message.objects.filter(scope.messages_q()).filter(flagged=False)
    if year is not None:
        start = datetime(year, 1, 1, tzinfo=SHANGHAI)
        messages = messages.filter(
            created_at__gte=start, created_at__lt=start.replace(year=year + 1)
        )
    return Responsiveness(
        deputies=_table(messages, "deputy_id", "deputy__name", sample),
        stations=_table(messages, "station_id", "station__name", sample),
        sample=sample,
    )
