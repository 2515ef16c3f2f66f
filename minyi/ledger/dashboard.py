"""The dashboard (统计分析) of issue 11: what each chart and table shows, as data.

Each chart is a spec the page hands to ``ledger/charts.js`` through ``json_script``: the x
labels, and per series the points, each ``{"value": …, "url": …}`` with the ledger's address
of the orders it counts (a click navigates there). One grouped query per chart on the ledger
rows (``LedgerRow``'s (channel, created_at) index): the figures, the orders per bucket, the
rates per month, the top categories, the top regions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count

from minyi.core import clock, timefmt
from minyi.env import env_int
from minyi.ledger import stats
from minyi.orders.models import Channel
from minyi.reference.models import Category, Region

CHANNEL_LABELS = dict(Channel.choices)
# the counts the figures table shows (each links to the ledger with figure=<key>)
SHOWN_COUNTS = (
    "orders",
    "accepted",
    "rejected",
    "merged",
    "closed",
    "in_progress",
    "pool",
    "dispatched",
    "extended",
    "returns_accepted",
    "returns_refused",
    "supervised",
    "overdue",
    "tracking",
)
# the ledger's figure= for a rate's numerator (满意率's weighted numerator: the 满意 orders)
NUMERATOR_FIGURE = {"satisfied_weighted": "satisfied"}
TREND_MONTHS = 12
WEEKS = 12
TOP = 10
# A bucket (day, week, month) that ended before today is counted once and kept this long; the
# bucket holding today is counted afresh on every request (at a million orders a year of rows
# takes seconds to aggregate; a day's, a fraction).
CACHE_SECONDS = env_int("MINYI_STATS_CACHE_SECONDS", 600)


def _day(value) -> date:
    return value.astimezone(stats.BEIJING).date() if isinstance(value, datetime) else value


def bucketed(name, selection, user, window, unit, today, compute) -> dict[date, dict]:
    """``{bucket start: counts}`` over ``window`` by ``unit``: ``compute(rows, unit)`` counts
    the rows of ``selection`` per bucket in one grouped query. Buckets wholly before today come
    from the cache when they are there (keyed by the filters, the viewer's role and the bucket's
    days within the window); the rest are counted in one query and the finished ones stored."""
    base = replace(selection, period=None, month=None)
    tag = json.dumps([name, unit, base.query(), getattr(user, "role", "")], ensure_ascii=False)
    tag = hashlib.sha256(tag.encode()).hexdigest()[:32]
    spans = []
    for start in stats.buckets(window, unit):
        bucket = stats.bucket_period(start, unit)
        spans.append((start, max(bucket.start, window.start), min(bucket.end, window.end)))

    def key(first: date, last: date) -> str:
        return f"minyi:stats:{tag}:{timefmt.day_text(first)}:{timefmt.day_text(last)}"

    finished = [(start, a, b) for start, a, b in spans if b < today]
    found = cache.get_many([key(a, b) for _, a, b in finished]) if CACHE_SECONDS else {}
    out = {start: found[key(a, b)] for start, a, b in finished if key(a, b) in found}
    todo = [(start, a, b) for start, a, b in spans if start not in out]
    if todo:
        period = stats.Period(todo[0][1], todo[-1][2])
        rows = stats.rows_selected(replace(selection, period=period, month=None), user)
        counted = compute(rows, unit)
        fresh = {}
        for start, a, b in todo:
            out[start] = counted.get(start, {})
            if b < today:
                fresh[key(a, b)] = out[start]
        if fresh and CACHE_SECONDS:
            cache.set_many(fresh, CACHE_SECONDS)
    return out


def counts_per_bucket(keys=None, now=None):
    """A ``compute`` for ``bucketed``: the counts (``stats.COUNT_LABELS``, or ``keys``)."""

    def compute(rows, unit):
        trunc = stats.UNITS[unit][1]
        grouped = (
            rows.order_by()
            .annotate(bucket=trunc("created_at", tzinfo=stats.BEIJING))
            .values("bucket")
            .annotate(**stats._counts(now or clock.now(), keys))
        )
        return {_day(g.pop("bucket")): stats._unprefixed(g) for g in grouped}

    return compute


def channels_per_bucket(rows, unit):
    """A ``compute`` for ``bucketed``: the orders per channel."""
    trunc = stats.UNITS[unit][1]
    grouped = (
        rows.order_by()
        .annotate(bucket=trunc("created_at", tzinfo=stats.BEIJING))
        .values("bucket", "channel")
        .annotate(n=Count("pk"))
    )
    out: dict[date, dict] = {}
    for g in grouped:
        out.setdefault(_day(g["bucket"]), {})[g["channel"]] = g["n"]
    return out


def summed(per_bucket: dict[date, dict]) -> dict[str, int]:
    total = dict.fromkeys(stats.COUNT_LABELS, 0)
    for counts in per_bucket.values():
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
    return total


def percent(value: float | None, places: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{places}f}%"


def interval_text(interval) -> str:
    return "" if interval is None else f"{percent(interval[0], 1)} – {percent(interval[1], 1)}"


def figures_table(selection: stats.Selection, figures: dict, policy: stats.Policy) -> dict:
    counts = [
        {
            "key": key,
            "label": stats.COUNT_LABELS[key],
            "value": figures["counts"][key],
            "url": selection.ledger_url(key),
        }
        for key in SHOWN_COUNTS
    ]
    rates = []
    for key, label, numerator, denominator in stats.RATES:
        rate = figures["rates"][key]
        figure = NUMERATOR_FIGURE.get(numerator, numerator)
        rates.append(
            {
                "key": key,
                "label": label,
                "value": rate["value"],
                "text": percent(rate["value"]) if rate["value"] is not None else "样本不足",
                # 满意率's numerator is weighted (满意 + k·基本满意): the page shows its two counts
                "numerator": figures["counts"][figure],
                "numerator_label": stats.COUNT_LABELS[figure],
                "numerator_url": selection.ledger_url(figure),
                "n": rate["n"],
                "n_label": stats.COUNT_LABELS[denominator],
                "n_url": selection.ledger_url(denominator),
                "interval": interval_text(rate["interval"]),
                "basically": figures["counts"]["basically"] if key == "satisfaction_rate" else None,
                "basically_url": selection.ledger_url("basically"),
            }
        )
    return {
        "counts": counts,
        "rates": rates,
        "k": policy.basically_weight,
        "min_sample": policy.minimum_sample,
    }


def _window(selection: stats.Selection, unit: str, chosen: bool, today: date) -> stats.Period:
    if chosen:
        return selection.period
    if unit == "day":
        return stats.Period(today - timedelta(days=29), today)
    if unit == "week":
        monday = today - timedelta(days=today.weekday())
        return stats.Period(monday - timedelta(weeks=WEEKS - 1), today)
    first = today.replace(day=1)
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return stats.Period(first, today)


def _narrowed(selection: stats.Selection, start: date, end: date) -> stats.Selection:
    """``selection`` for the days of a bucket (a whole calendar month reads as ``month=``)."""
    period = stats.Period(start, end)
    whole_month = start.day == 1 and stats.Period.month(start).end == end
    return selection.with_period(period, month=whole_month)


def _bucket_label(start: date, unit: str) -> str:
    if unit == "month":
        return timefmt.month_text(start)
    if unit == "week":
        return f"{timefmt.day_text(start)}起"
    return timefmt.day_text(start)


MAX_BUCKETS = 400


def unit_for(window: stats.Period, unit: str) -> str:
    """``unit``, or a longer one when a long period would make more than MAX_BUCKETS bars."""
    order = list(stats.UNITS)
    for longer in order[order.index(unit) :]:
        if len(stats.buckets(window, longer)) <= MAX_BUCKETS:
            return longer
    return order[-1]


def volume_chart(selection: stats.Selection, unit: str, chosen: bool, user, today: date) -> dict:
    """Orders per day, week or month by channel (stacked bars)."""
    window = _window(selection, unit, chosen, today)
    unit = unit_for(window, unit)
    scoped = replace(selection, period=window, month=None)
    per_bucket = bucketed("volume", selection, user, window, unit, today, channels_per_bucket)
    counted = {(start, ch): n for start, c in per_bucket.items() for ch, n in c.items()}
    channels = selection.channels or tuple(Channel.values)
    starts = stats.buckets(window, unit)
    series = []
    for channel in channels:
        points = []
        for start in starts:
            bucket = stats.bucket_period(start, unit)
            first, last = max(bucket.start, window.start), min(bucket.end, window.end)
            narrowed = replace(_narrowed(scoped, first, last), channel=channel)
            points.append(
                {"value": counted.get((start, channel), 0), "url": narrowed.ledger_url("orders")}
            )
        series.append({"name": CHANNEL_LABELS[channel], "data": points})
    return {
        "type": "bar",
        "stack": True,
        "unit": unit,
        "categories": [_bucket_label(start, unit) for start in starts],
        "series": series,
        "window": {"from": timefmt.day_text(window.start), "to": timefmt.day_text(window.end)},
    }


def trend_chart(
    selection: stats.Selection, user, policy: stats.Policy, now: datetime, today: date
) -> dict:
    """Each rate per month over the twelve months that end with the selection's last month."""
    last = selection.period.end.replace(day=1)
    first = last
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    window = stats.Period(first, stats.Period.month(last).end)
    counted = bucketed(
        "trend", selection, user, window, "month", today, counts_per_bucket(stats.RATE_COUNTS, now)
    )
    by_month = {
        month: {"rates": stats.rates_from(counts, policy)}
        for month, counts in counted.items()
        if counts
    }
    months = stats.buckets(window, "month")
    series = []
    for key, label, _numerator, denominator in stats.RATES:
        points = []
        for month in months:
            group = by_month.get(month)
            value = group["rates"][key]["value"] if group else None
            points.append(
                {
                    "value": None if value is None else round(value * 100, 2),
                    "n": group["rates"][key]["n"] if group else 0,
                    "url": replace(selection, period=None)
                    .with_period(stats.Period.month(month), month=True)
                    .ledger_url(denominator),
                }
            )
        series.append({"name": label, "data": points})
    return {
        "type": "line",
        "percent": True,
        "categories": [timefmt.month_text(m) for m in months],
        "series": series,
    }


def top_chart(selection: stats.Selection, field: str, user) -> dict:
    """The categories (or regions) with the most orders in the selection (horizontal bars)."""
    model = {"category": Category, "region": Region}[field]
    top = stats.top(stats.rows_selected(selection, user), f"{field}_id", TOP)
    names = dict(model.objects.filter(pk__in=[k for k, _ in top if k]).values_list("pk", "name"))
    categories, points = [], []
    for key, n in top:
        if key is None:
            continue  # not classified: no ledger filter finds these alone
        categories.append(names.get(key, str(key)))
        points.append({"value": n, "url": replace(selection, **{field: key}).ledger_url("orders")})
    return {
        "type": "bar",
        "horizontal": True,
        "categories": categories,
        "series": [{"name": "工单量", "data": points}],
    }


def dashboard(
    selection: stats.Selection, *, chosen: bool, unit: str, user, now: datetime | None = None
) -> dict:
    now = now or clock.now()
    policy = stats.Policy.current()
    today = timefmt.local(now).date()
    # the period's counts: its days' counts added up (each finished day counted once a while)
    counts = summed(
        bucketed(
            "figures",
            selection,
            user,
            selection.period,
            unit_for(selection.period, "day"),
            today,
            counts_per_bucket(now=now),
        )
    )
    figures = {"counts": counts, "rates": stats.rates_from(counts, policy)}
    return {
        "figures": figures_table(selection, figures, policy),
        "charts": {
            "volume": volume_chart(selection, unit, chosen, user, today),
            "trend": trend_chart(selection, user, policy, now, today),
            "categories": top_chart(selection, "category", user),
            "regions": top_chart(selection, "region", user),
        },
    }
