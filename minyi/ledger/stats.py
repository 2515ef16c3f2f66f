"""The statistics (DESIGN §6), computed from the ledger rows (``LedgerRow``) in one aggregate
query per group.

Which orders: those registered (``created_at``) in the period, by default of the deputy channels
(代表来电, 码上找代表). The rates read the *evaluation pool*: the orders neither rejected
(不予受理) nor merged into another (已合并: the master order counts the matter once) nor left as
drafts. Each rate has a numerator and a denominator:

| rate | numerator | denominator |
| --- | --- | --- |
| 按时签收率 ``on_time_sign_rate`` | the lead department signed within its limit | dispatched orders whose lead has signed or whose sign-for limit has passed |
| 退件率 ``return_rate`` | dispatched orders with a return accepted (同意退件) | dispatched orders |
| 按时办结率 ``on_time_reply_rate`` | the lead replied within its (extended) limit | orders replied by a department, or whose limit has passed unreplied |
| 回访率 ``callback_rate`` | orders with a callback that reached the requester (or the deputy's own rating) | replied orders |
| 满意率 ``satisfaction_rate`` | 满意 + k·基本满意 (the latest rating) | rated orders |
| 解决率 ``resolution_rate`` | rated orders confirmed solved | rated orders |
| 重办率 ``redo_rate`` | orders sent back for redo at least once | replied orders |

A rate whose denominator is below the minimum sample (default 10) is ``None`` ("样本不足");
each comes with its 95% Wilson interval, so a handful of fast orders cannot top a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from minyi.core import clock
from minyi.ledger.models import LedgerRow, StatisticsPolicy
from minyi.orders.models import Channel, Satisfaction, Status
from minyi.workdays.calendar import day_start

DEPUTY_CHANNELS = (Channel.DEPUTY_CALL, Channel.QR_MESSAGE)
OUT_OF_POOL = (Status.DRAFT, Status.REJECTED, Status.MERGED)
CLOSED = (Status.REJECTED, Status.ARCHIVED, Status.ESCALATED, Status.MERGED)

# The rates in the order they are shown; the keys are the `stats` command's JSON keys.
RATES = (
    ("on_time_sign_rate", "按时签收率", "signed_on_time", "sign_due"),
    ("return_rate", "退件率", "returned", "dispatched"),
    ("on_time_reply_rate", "按时办结率", "replied_on_time", "reply_due"),
    ("callback_rate", "回访率", "called_back", "replied"),
    ("satisfaction_rate", "满意率", "satisfied_weighted", "rated"),
    ("resolution_rate", "解决率", "solved", "rated"),
    ("redo_rate", "重办率", "redone", "replied"),
)
RATE_LABELS = {key: label for key, label, _, _ in RATES}


@dataclass(frozen=True)
class Policy:
    basically_weight: Decimal = Decimal(1)
    minimum_sample: int = 10

    @classmethod
    def current(cls) -> Policy:
        row = StatisticsPolicy.objects.order_by("pk").first()
        if row is None:
            return cls()
        return cls(basically_weight=row.basically_weight, minimum_sample=row.minimum_sample)


@dataclass(frozen=True)
class Period:
    """Whole days in Beijing time: ``start`` to ``end`` inclusive."""

    start: date
    end: date

    @classmethod
    def month(cls, first: date) -> Period:
        first = first.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    @property
    def since(self) -> datetime:
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        return day_start(self.end + timedelta(days=1))

    def previous_month(self) -> Period:
        return Period.month(self.start - timedelta(days=1))

    def year_before(self) -> Period:
        return Period.month(self.start.replace(year=self.start.year - 1))


def rows_for(
    period: Period | None = None, *, channels: tuple[str, ...] | None = DEPUTY_CHANNELS
) -> QuerySet[LedgerRow]:
    """The ledger rows registered in ``period`` (all time when None), of ``channels`` (every
    channel when None)."""
    rows = LedgerRow.objects.all()
    if period is not None:
        rows = rows.filter(created_at__gte=period.since, created_at__lt=period.until)
    if channels is not None:
        rows = rows.filter(channel__in=channels)
    return rows


def count_filters(now: datetime) -> dict[str, Q | None]:
    """Each count's condition on a ledger row (None: every row). The ledger's ``figure=`` filter
    reads the same conditions, so a figure clicks through to exactly the orders it counts."""
    pool = ~Q(status__in=OUT_OF_POOL)
    dispatched = pool & Q(dispatched_at__isnull=False)
    replied = pool & Q(replied_at__isnull=False)
    rated = pool & Q(
        satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED)
    )
    return {
        "orders": None,
        "accepted": Q(accepted_at__isnull=False),
        "rejected": Q(status=Status.REJECTED),
        "merged": Q(status=Status.MERGED),
        "closed": Q(status__in=CLOSED),
        "in_progress": ~Q(status__in=(*CLOSED, Status.DRAFT)),
        "pool": pool,
        "dispatched": dispatched,
        "sign_due": dispatched & (Q(signed_at__isnull=False) | Q(sign_due__lt=now)),
        "signed_on_time": dispatched & Q(sign_on_time=True),
        "signed_late": dispatched
        & (Q(sign_on_time=False) | Q(signed_at__isnull=True, sign_due__lt=now)),
        "returned": dispatched & Q(returns_accepted__gt=0),
        "returns_accepted": pool & Q(returns_accepted__gt=0),
        "returns_refused": pool & Q(returns_refused__gt=0),
        "extended": pool & Q(extensions__gt=0),
        "reply_due": dispatched
        & (Q(reply_on_time__isnull=False) | Q(replied_at__isnull=True, reply_due__lt=now)),
        "replied_on_time": dispatched & Q(reply_on_time=True),
        "replied": replied,
        "called_back": replied & Q(callbacks__gt=0),
        "rated": rated,
        "satisfied": rated & Q(satisfaction=Satisfaction.SATISFIED),
        "basically": rated & Q(satisfaction=Satisfaction.BASICALLY),
        "dissatisfied": rated & Q(satisfaction=Satisfaction.DISSATISFIED),
        "solved": rated & Q(solved=True),
        "unsolved": rated & ~Q(solved=True),
        "redone": replied & Q(redo_count__gt=0),
        "supervised": pool & Q(supervised__gt=0),
        "overdue": pool
        & (
            Q(went_red=True)
            | Q(reply_on_time=False)
            | Q(replied_at__isnull=True, reply_due__lt=now)
        ),
        "tracking": pool & Q(tracking__in=("handling", "confirming")),
    }


# the words of each count, for tables, exports and the ledger's "figure=" filter
COUNT_LABELS = {
    "orders": "登记",
    "accepted": "受理",
    "rejected": "不予受理",
    "merged": "合并",
    "closed": "办结",
    "in_progress": "办理中",
    "pool": "参评工单",
    "dispatched": "派单",
    "sign_due": "应签收",
    "signed_on_time": "按时签收",
    "signed_late": "超时签收",
    "returned": "退件",
    "returns_accepted": "同意退件",
    "returns_refused": "驳回退件",
    "extended": "延期",
    "reply_due": "应办结",
    "replied_on_time": "按时办结",
    "replied": "已答复",
    "called_back": "已回访",
    "rated": "参评",
    "satisfied": "满意",
    "basically": "基本满意",
    "dissatisfied": "不满意",
    "solved": "已解决",
    "unsolved": "未解决",
    "redone": "重办",
    "supervised": "督办",
    "overdue": "超期",
    "tracking": "跟踪督办中",
}


# Aggregated under a prefix: several counts share a name with a ledger field (solved, tracking…).
PREFIX = "n_"


def _counts(now: datetime) -> dict[str, Count]:
    return {
        PREFIX + key: Count("pk") if condition is None else Count("pk", filter=condition)
        for key, condition in count_filters(now).items()
    }


def _unprefixed(counts: dict) -> dict[str, int]:
    return {key.removeprefix(PREFIX): value for key, value in counts.items()}


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a proportion (None for no sample)."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def rates_from(counts: dict[str, int], policy: Policy) -> dict[str, dict]:
    """Each rate: ``value`` (a fraction, or None below the minimum sample), ``n`` (its
    denominator), ``numerator`` and ``interval`` (95% Wilson, None below the minimum sample)."""
    k = float(policy.basically_weight)
    counts = {**counts, "satisfied_weighted": counts["satisfied"] + k * counts["basically"]}
    out = {}
    for key, _label, numerator, denominator in RATES:
        n, hits = counts[denominator], counts[numerator]
        enough = n >= max(1, policy.minimum_sample)
        out[key] = {
            "value": hits / n if enough else None,
            "n": n,
            "numerator": hits,
            "interval": wilson(hits, n) if enough else None,
        }
    return out


def figures(
    rows: QuerySet[LedgerRow], *, policy: Policy | None = None, now: datetime | None = None
) -> dict:
    """The counts and the rates of ``rows`` (one query)."""
    policy = policy or Policy.current()
    counts = _unprefixed(rows.aggregate(**_counts(now or clock.now())))
    return {"counts": counts, "rates": rates_from(counts, policy)}


def figures_by(
    rows: QuerySet[LedgerRow],
    dimension: str,
    *,
    policy: Policy | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """``figures`` per value of ``dimension`` (a LedgerRow field or an annotation on ``rows``),
    biggest first (one query): ``[{"key": value, "counts": …, "rates": …}, …]``."""
    policy = policy or Policy.current()
    grouped = (
        rows.order_by()
        .values(dimension)
        .annotate(**_counts(now or clock.now()))
        .order_by(f"-{PREFIX}orders")
    )
    out = []
    for group in grouped:
        key = group.pop(dimension)
        counts = _unprefixed(group)
        out.append({"key": key, "counts": counts, "rates": rates_from(counts, policy)})
    return out


def flat(result: dict) -> dict:
    """The `stats` command's object: the counts, then each rate as a fraction or null."""
    out = dict(result["counts"])
    for key, rate in result["rates"].items():
        out[key] = None if rate["value"] is None else round(rate["value"], 6)
    return out
