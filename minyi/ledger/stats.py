"""The statistics (DESIGN §6), computed from the ledger rows (``LedgerRow``) in one aggregate
query per group.

Which orders: those registered (``created_at``) in the period, by default of the deputy channels
(代表来电, 码上找代表). A duplicate merged into its master (已合并) is one matter with it: it counts
in ``registered`` and ``merged`` only, never in ``orders``, ``accepted`` or ``closed``. The totals
add up: orders = accepted + rejected (+ drafts), accepted = closed (archived or escalated) +
in_progress. The rates read the *evaluation pool*: the orders neither rejected
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
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from minyi.core import clock, timefmt
from minyi.core.bounds import date_allowed
from minyi.ledger.models import LedgerRow, StatisticsPolicy
from minyi.orders.models import Assignment, Channel, Satisfaction, Status
from minyi.privacy.rules import identity_visible_q
from minyi.workdays.calendar import day_start

DEPUTY_CHANNELS = (Channel.DEPUTY_CALL, Channel.QR_MESSAGE)
OUT_OF_POOL = (Status.DRAFT, Status.REJECTED, Status.MERGED)
# The evaluation pool: neither a draft, nor 不予受理 (even if escalated afterwards), nor merged.
POOL = ~Q(status__in=OUT_OF_POOL) & Q(rejected=False)
FINISHED = (Status.ARCHIVED, Status.ESCALATED)
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
    pool = POOL
    dispatched = pool & Q(dispatched_at__isnull=False)
    replied = pool & Q(replied_at__isnull=False)
    rated = pool & Q(
        satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED)
    )
    matter = ~Q(status=Status.MERGED)  # a duplicate merged into its master counts as one matter
    return {
        "registered": None,
        "orders": matter,
        "accepted": matter & Q(accepted_at__isnull=False),
        "rejected": Q(rejected=True),
        "merged": Q(status=Status.MERGED),
        # 办结: an accepted matter finished (archived, or handed to the liaison committee); a
        # refusal (不予受理) is not 办结 — 登记 = 受理 + 不予受理 (+ drafts), 受理 = 办结 + 办理中
        "closed": Q(status__in=FINISHED, rejected=False),
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
    "registered": "登记（含合并）",
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


# the counts the rates read (a chart of rates alone aggregates only these)
RATE_COUNTS = frozenset(
    {"satisfied", "basically"}
    | {key for _, _, numerator, denominator in RATES for key in (numerator, denominator)}
    - {"satisfied_weighted"}
)


def _counts(now: datetime, keys: frozenset[str] | None = None) -> dict[str, Count]:
    return {
        PREFIX + key: Count("pk") if condition is None else Count("pk", filter=condition)
        for key, condition in count_filters(now).items()
        if keys is None or key in keys
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
    order: tuple[str, ...] = (),
    keys: frozenset[str] | None = None,
) -> list[dict]:
    """``figures`` per value of ``dimension`` (a LedgerRow field or an annotation on ``rows``),
    biggest first unless ``order`` says otherwise (one query):
    ``[{"key": value, "counts": …, "rates": …}, …]``. ``keys`` narrows the counts aggregated
    (``RATE_COUNTS``: the rates alone)."""
    policy = policy or Policy.current()
    grouped = (
        rows.order_by()
        .values(dimension)
        .annotate(**_counts(now or clock.now(), keys))
        .order_by(*(order or ((f"-{PREFIX}orders",) if keys is None else ()) + (dimension,)))
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


# -- the dashboard's selection: filters, time buckets, click-through ---------------------------------
# (stats-ui, issue 11) The dashboard, the department grading and the deputy activity read the
# same selection; each figure links to the ledger with the same GET parameters and ``figure=``.

BEIJING = ZoneInfo("Asia/Shanghai")
LEDGER_URL = "/work/ledger/"
# the ``channel`` parameter: "" (the deputy channels), "all", or one Channel value
ALL_CHANNELS = "all"
UNITS = {"day": ("日", TruncDay), "week": ("周", TruncWeek), "month": ("月", TruncMonth)}


def channels_of(value: str) -> tuple[str, ...] | None:
    """The channels a ``channel=`` parameter selects (None: every channel)."""
    if value == ALL_CHANNELS:
        return None
    if value in Channel.values:
        return (value,)
    return DEPUTY_CHANNELS


def channel_key(value: str) -> str:
    """The ``channel`` key of the `stats` JSON: "deputy" (the default), "all" or a Channel."""
    return value if value == ALL_CHANNELS or value in Channel.values else "deputy"


@dataclass(frozen=True)
class Selection:
    """What a statistics page counts: a period (None: the page's default window) and the
    narrowing filters, as the ledger's GET parameters name them."""

    period: Period | None = None
    month: date | None = None  # set when the period is a calendar month (``month=``)
    channel: str = ""
    region: int | None = None
    department: int | None = None
    category: int | None = None
    level: str = ""

    @property
    def channels(self) -> tuple[str, ...] | None:
        return channels_of(self.channel)

    @property
    def channel_label(self) -> str:
        if self.channel == ALL_CHANNELS:
            return "全部渠道"
        if self.channel in Channel.values:
            return Channel(self.channel).label
        return "代表渠道（代表来电、码上找代表）"

    def with_period(self, period: Period, *, month: bool = False) -> Selection:
        return replace(self, period=period, month=period.start if month else None)

    def params(self, **extra) -> dict[str, str]:
        """The ledger's GET parameters for this selection (and ``extra``), in a stable order."""
        out: dict[str, str] = {}
        if self.period is not None:
            if self.month is not None:
                out["month"] = timefmt.month_text(self.month)
            else:
                out["date_from"] = timefmt.day_text(self.period.start)
                out["date_to"] = timefmt.day_text(self.period.end)
        if self.channel:
            out["channel"] = self.channel
        for name in ("level", "region", "department", "category"):
            value = getattr(self, name)
            if value:
                out[name] = str(value)
        out.update({k: str(v) for k, v in extra.items() if v not in (None, "")})
        return out

    def query(self, **extra) -> str:
        return urlencode(self.params(**extra))

    def ledger_url(self, figure: str = "orders", **extra) -> str:
        """The ledger page listing exactly the orders a figure counts."""
        if figure not in COUNT_LABELS:
            raise ValueError(f"unknown figure {figure!r}")
        return f"{LEDGER_URL}?{self.query(**extra, figure=figure)}"


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(value: str) -> date | None:
    """``2026-11`` → 2026-11-01; None when malformed or outside the years the product knows.
    The one reading of a month: the pages, the commands and the report's addresses use it."""
    found = _MONTH.fullmatch((value or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        return None
    first = date(int(found.group(1)), int(found.group(2)), 1)
    return first if date_allowed(first) else None


def month_period(value: str) -> Period:
    """``2026-11`` → that month (ValueError otherwise)."""
    first = parse_month(value)
    if first is None:
        raise ValueError(value)
    return Period.month(first)


def rows_selected(selection: Selection, user) -> QuerySet[LedgerRow]:
    """The ledger rows of ``selection`` for ``user``. The deputy level reads a person: it answers
    only among the orders whose deputy the privacy rule shows ``user`` (``identity_visible_q``; no
    user: none), as the ledger's own filter does."""
    rows = rows_for(selection.period, channels=selection.channels)
    if selection.region:
        rows = rows.filter(region_id=selection.region)
    if selection.category:
        rows = rows.filter(category_id=selection.category)
    if selection.department:
        # any part, lead or assisting (the ledger's department filter)
        rows = rows.filter(
            Exists(
                Assignment.objects.filter(
                    order_id=OuterRef("order_id"), department_id=selection.department
                )
            )
        )
    if selection.level:
        rows = rows.filter(deputy_level=selection.level)
        rows = rows.filter(order_q(identity_visible_q(user)))
    return rows


def order_q(q: Q) -> Q:
    """A condition on WorkOrder (the privacy rule's) read from a LedgerRow (``order__``)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(order_q(child))
        else:
            lookup, value = child
            out.children.append(("order__" + lookup, value))
    return out


def buckets(period: Period, unit: str) -> list[date]:
    """The first day of each ``unit`` (day, week from Monday, month) that ``period`` touches."""
    if unit == "day":
        first, step = period.start, lambda d: d + timedelta(days=1)
    elif unit == "week":
        first, step = (
            period.start - timedelta(days=period.start.weekday()),
            lambda d: d + timedelta(days=7),
        )
    else:
        first = period.start.replace(day=1)
        step = lambda d: (d + timedelta(days=32)).replace(day=1)  # noqa: E731
    out = []
    while first <= period.end:
        out.append(first)
        first = step(first)
    return out


def bucket_period(start: date, unit: str) -> Period:
    if unit == "day":
        return Period(start, start)
    if unit == "week":
        return Period(start, start + timedelta(days=6))
    return Period.month(start)


def top(rows: QuerySet[LedgerRow], field: str, limit: int = 10) -> list[tuple[int | None, int]]:
    """The ``limit`` values of ``field`` with the most orders: one grouped query."""
    grouped = rows.order_by().values(field).annotate(n=Count("pk")).order_by("-n", field)[:limit]
    return [(group[field], group["n"]) for group in grouped]
