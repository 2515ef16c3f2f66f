"""闭会期间代表建议 on the statistics page and in the ``stats`` command (issue 12).

The counts are ``minyi.suggestions.figures.suggestion_figures`` (the monthly report's section
five): what happened to suggestions in the period, counted from their event rows. Only the period
applies: a suggestion has no channel, region, category or deputy level, and the department
filter would split one suggestion's events. Each count links to the suggestions ledger
(``/work/suggestions/ledger/?figure=<key>&date_from=…&date_to=…``), which lists the suggestions
with such an event in those days.

Two rates, each ``None`` ("样本不足") below the statistics policy's minimum sample, as the
other rates of the page:

| rate | numerator | denominator |
| --- | --- | --- |
| 按期答复率 ``on_time_reply_rate`` | replies made by the due date | replies that answered the deputy |
| 满意率 ``satisfaction_rate`` | 满意 + 基本满意 | evaluations (both rounds) |

The departments table: per department, the suggestions handed to it in the period as 主办 and as
协办, its replies in the period and those on time, and, now, the suggestions it has not answered
past their due date (``overdue_open``: the deadline passed, no reply of this round; in the
second round only the lead department owes one).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from minyi.core import timefmt
from minyi.ledger import dashboard, stats
from minyi.reference.models import Department
from minyi.suggestions.figures import FIGURES, suggestion_figures
from minyi.suggestions.models import (
    SuggestionAssignment,
    SuggestionReply,
    SuggestionRole,
)
from minyi.suggestions.owing import owing

RATES = (
    ("on_time_reply_rate", "按期答复率", "replied_on_time", "replied"),
    ("satisfaction_rate", "满意率", "satisfied", "evaluated"),
)


def ledger_url(period: stats.Period, figure: str = "", **extra) -> str:
    params = {
        "figure": figure,
        "date_from": timefmt.day_text(period.start),
        "date_to": timefmt.day_text(period.end),
        **extra,
    }
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{reverse('suggestions-ledger')}?{query}"


def _rates(figures: dict, policy: stats.Policy) -> list[dict]:
    by_kind = {e["key"]: e["n"] for e in figures["evaluations"]}
    counts = {
        **figures["counts"],
        "evaluated": figures["evaluated"],
        "satisfied": by_kind.get("satisfied", 0) + by_kind.get("basically", 0),
    }
    out = []
    for key, label, numerator, denominator in RATES:
        hits, n = counts[numerator], counts[denominator]
        enough = n >= max(1, policy.minimum_sample)
        out.append(
            {
                "key": key,
                "label": label,
                "numerator": hits,
                "n": n,
                "value": hits / n if enough else None,
                "interval": stats.wilson(hits, n) if enough else None,
            }
        )
    return out


def departments(period: stats.Period, today: date) -> list[dict]:
    """One row per department with anything to show (most assigned first)."""
    assigned = (
        SuggestionAssignment.objects.filter(
            assigned_at__gte=period.since, assigned_at__lt=period.until
        )
        .values("department")
        .annotate(
            lead=Count("id", filter=Q(role=SuggestionRole.LEAD)),
            assist=Count("id", filter=Q(role=SuggestionRole.ASSIST)),
        )
        .order_by()
    )
    replied = (
        SuggestionReply.objects.filter(replied_at__gte=period.since, replied_at__lt=period.until)
        .values("department")
        .annotate(replied=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
        .order_by()
    )
    overdue = (
        owing(SuggestionAssignment.objects.filter(suggestion__due_on__lt=today))
        .values("department")
        .annotate(overdue_open=Count("id"))
        .order_by()
    )
    rows: dict[int, dict] = {}
    blank = {"lead": 0, "assist": 0, "replied": 0, "on_time": 0, "overdue_open": 0}
    for group in (*assigned, *replied, *overdue):
        pk = group.pop("department")
        rows.setdefault(pk, dict(blank)).update(group)
    names = dict(Department.objects.filter(pk__in=rows).values_list("pk", "name"))
    out = [
        {
            "department": pk,
            "name": names.get(pk, str(pk)),
            **row,
            "url": ledger_url(period, department=pk),
        }
        for pk, row in rows.items()
    ]
    out.sort(key=lambda r: (-(r["lead"] + r["assist"]), -r["overdue_open"], r["name"]))
    return out


def block(period: stats.Period, *, policy: stats.Policy, today: date) -> dict:
    """The page's 闭会期间代表建议 block for ``period``."""
    figures = suggestion_figures(period.start, period.end)
    rates = _rates(figures, policy)
    for rate, (_, _, numerator, denominator) in zip(rates, RATES, strict=True):
        rate["text"] = dashboard.percent(rate["value"]) if rate["value"] is not None else "样本不足"
        rate["interval_text"] = dashboard.interval_text(rate["interval"])
        # 满意率's numerator is two kinds: the page links each (the evaluations line)
        rate["numerator_url"] = ledger_url(period, numerator) if numerator in FIGURES else ""
        rate["n_url"] = ledger_url(period, denominator)
    return {
        "counts": [{**row, "url": ledger_url(period, row["key"])} for row in figures["rows"]],
        "evaluations": [
            {**e, "url": ledger_url(period, f"evaluated_{e['key']}")}
            for e in figures["evaluations"]
        ],
        "evaluated": figures["evaluated"],
        "evaluated_url": ledger_url(period, "evaluated"),
        "rates": rates,
        "departments": departments(period, today),
        "min_sample": policy.minimum_sample,
    }


def flat(period: stats.Period, *, policy: stats.Policy | None = None) -> dict:
    """The ``stats`` command's ``"suggestions"`` object: the counts, ``evaluated``, the
    evaluations by kind (``satisfied``, ``basically``, ``dissatisfied``) and the two rates
    (fractions rounded to six places, null below the minimum sample)."""
    figures = suggestion_figures(period.start, period.end)
    out = dict(figures["counts"])
    out["evaluated"] = figures["evaluated"]
    out["evaluations"] = {e["key"]: e["n"] for e in figures["evaluations"]}
    for rate in _rates(figures, policy or stats.Policy.current()):
        out[rate["key"]] = None if rate["value"] is None else round(rate["value"], 6)
    return out
