"""The dashboard (统计分析) of issue 11: what each chart and table shows, as data.

Each chart is a spec the page hands to ``ledger/charts.js`` through ``json_script``: the x
labels, and per series the points, each ``{"value": …, "url": …}`` with the ledger's address
of the orders it counts (a click navigates there). One grouped query per chart on the ledger
rows (``LedgerRow``'s (channel, created_at) index): the figures, the orders per bucket, the
rates per month, the top categories, the top regions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.db.models.functions import TruncMonth

from minyi.core import clock, timefmt
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
                "numerator": rate["numerator"],
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


def volume_chart(selection: stats.Selection, unit: str, chosen: bool, user, today: date) -> dict:
    """Orders per day, week or month by channel (stacked bars)."""
    window = _window(selection, unit, chosen, today)
    scoped = replace(selection, period=window, month=None)
    counted = stats.per_bucket(stats.rows_selected(scoped, user), unit)
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
        "categories": [_bucket_label(start, unit) for start in starts],
        "series": series,
        "window": {"from": timefmt.day_text(window.start), "to": timefmt.day_text(window.end)},
    }


def trend_chart(selection: stats.Selection, user, policy: stats.Policy, now: datetime) -> dict:
    """Each rate per month over the twelve months that end with the selection's last month."""
    last = selection.period.end.replace(day=1)
    first = last
    for _ in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    window = stats.Period(first, stats.Period.month(last).end)
    rows = stats.rows_selected(replace(selection, period=window, month=None), user)
    rows = rows.annotate(bucket=TruncMonth("created_at", tzinfo=stats.BEIJING))
    by_month = {}
    for group in stats.figures_by(rows, "bucket", policy=policy, now=now, order=("bucket",)):
        bucket = group["key"]
        if isinstance(bucket, datetime):
            bucket = bucket.astimezone(stats.BEIJING).date()
        by_month[bucket] = group
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
    figures = stats.figures(stats.rows_selected(selection, user), policy=policy, now=now)
    return {
        "figures": figures_table(selection, figures, policy),
        "charts": {
            "volume": volume_chart(selection, unit, chosen, user, today),
            "trend": trend_chart(selection, user, policy, now),
            "categories": top_chart(selection, "category", user),
            "regions": top_chart(selection, "region", user),
        },
    }
