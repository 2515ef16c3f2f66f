"""What a month's report says, as plain JSON (``MonthlyReport.summary``): the page, the xlsx
and the PDF all print from it, so the three never disagree.

1. the month's totals (登记, 受理, 办结, 办理中) overall and by deputy level, channel, request
   type, category and lead department;
2. the seven rates of ``stats.RATES`` with the previous month and the same month last year;
3. the overdue, supervised, redone and still-unsolved orders (the summary keeps the first
   ``LIST_CAP`` of each and the total; the xlsx gets them all, ``Built.lists``);
4. the notable cases the liaison officers picked, with their notes.

Orders are shown as the privacy rule shows them to a liaison officer (``VIEWER``): the title
cut of a withheld person, the deputy's name only when shown. The report is one document for
every liaison officer, so it is read with the role, not with whoever pressed the button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.deputies.models import LEVEL_RANK, Level
from minyi.ledger import stats
from minyi.ledger.models import LedgerRow, NotableCase
from minyi.orders.models import Channel, Status
from minyi.privacy import rules as privacy
from minyi.reference.models import Category, Department, RequestType
from minyi.suggestions.figures import suggestion_figures

TOTALS = ("orders", "accepted", "closed", "in_progress")
DIMENSIONS = (
    ("deputy_level", "按代表层级"),
    ("channel", "按来源渠道"),
    ("request_type", "按诉求类型"),
    ("category", "按诉求分类"),
    ("lead_department", "按主办单位"),
)
LISTS = (
    ("overdue", "超期工单"),
    ("supervised", "督办工单"),
    ("redone", "重办工单"),
    ("unsolved", "尚未解决工单"),
)
LIST_CAP = 50
INSUFFICIENT = "样本不足"
# The columns beside the month are counted when this report is generated, from the same ledger:
# an order of last month closed since changes last month's rates.
RATES_NOTE = "上月、去年同期与本月一样，均按本报告生成时的台账计算（此后办结的工单会使比率变化）。"
HIDDEN_LEVEL = "匿名（不显示层级）"
NONE_LABELS = {
    "deputy_level": "未标注层级",
    "channel": "—",
    "request_type": "—",
    "category": "未分类",
    "lead_department": "未派单",
}


@dataclass(frozen=True)
class _LiaisonViewer:
    """A liaison officer as the privacy rule reads one (active, signed in, the role)."""

    role: str = Role.LIAISON
    is_authenticated: bool = True
    is_active: bool = True
    pk: None = None
    department_id: None = None


VIEWER = _LiaisonViewer()


def title_of(month: date) -> str:
    return f"{month.year}年{month.month}月人大代表履职工作月度报告"


def month_words(month: date) -> str:
    return f"{month.year}年{month.month}月"


def rate_text(value: float | None) -> str:
    return INSUFFICIENT if value is None else f"{value * 100:.2f}%"


@dataclass
class Built:
    """The summary (stored) and the full lists (for the xlsx only)."""

    summary: dict
    lists: dict[str, list[dict]]


def list_filters(now: datetime) -> dict[str, Q]:
    conditions = stats.count_filters(now)
    return {
        "overdue": conditions["overdue"],
        "supervised": conditions["supervised"],
        "redone": conditions["redone"],
        # rated not solved and not since done in 跟踪督办, or in 跟踪督办 now
        "unsolved": conditions["tracking"] | (conditions["unsolved"] & ~Q(tracking="done")),
    }


def _labels(dimension: str, keys: list) -> dict:
    if dimension == "deputy_level":
        return dict(Level.choices)
    if dimension == "channel":
        return dict(Channel.choices)
    model = {"request_type": RequestType, "category": Category, "lead_department": Department}
    ids = [key for key in keys if key is not None]
    return dict(model[dimension].objects.filter(pk__in=ids).values_list("pk", "name"))


def _grouped(rows: QuerySet[LedgerRow], dimension: str, now: datetime, policy) -> list[dict]:
    hidden = None
    if dimension == "deputy_level":
        # a deputy's level reads a person: the orders whose requester a liaison officer is not
        # shown (anonymous) count under one line of their own (privacy.identity_visible_q)
        hidden = stats.figures(rows.filter(order__is_anonymous=True), policy=policy, now=now)
        rows = rows.filter(order__is_anonymous=False)
    groups = stats.figures_by(rows, dimension, policy=policy, now=now)
    labels = _labels(dimension, [group["key"] for group in groups])
    if dimension == "deputy_level":
        groups.sort(key=lambda group: LEVEL_RANK.get(group["key"], len(LEVEL_RANK)))
    out = [
        {
            "label": labels.get(group["key"]) or NONE_LABELS[dimension],
            **{key: group["counts"][key] for key in TOTALS},
        }
        for group in groups
    ]
    if hidden and hidden["counts"]["orders"]:
        out.append({"label": HIDDEN_LEVEL, **{key: hidden["counts"][key] for key in TOTALS}})
    return out


def _order_rows(rows: QuerySet[LedgerRow]) -> list[dict]:
    rows = (
        rows.select_related("order", "order__deputy", "lead_department")
        .prefetch_related("order__deputy__phones")
        .order_by("created_at", "order_id")
    )
    return [_order_row(row) for row in rows]


def _order_row(row: LedgerRow) -> dict:
    order = row.order
    person = privacy.requester_shown(VIEWER, order)
    return {
        "number": order.number,
        "created": timefmt.day_text(row.created_at),
        "title": person.listed(order.title),
        "department": row.lead_department.name if row.lead_department_id else "—",
        "deputy": person.deputy or ("—" if not person.withheld else person.label),
        "state": Status(row.status).label,
    }


def _notable(month: date) -> list[dict]:
    cases = NotableCase.objects.filter(month=month).select_related("order", "picked_by")
    ledger = {
        row.order_id: row
        for row in LedgerRow.objects.filter(order_id__in=[case.order_id for case in cases])
        .select_related("order", "order__deputy", "lead_department")
        .prefetch_related("order__deputy__phones")
    }
    out = []
    for case in cases:
        row = ledger.get(case.order_id)
        if row is None:
            continue
        out.append(
            {
                **_order_row(row),
                "note": case.note,
                "picked_by": case.picked_by.get_full_name() if case.picked_by else "",
            }
        )
    return out


def build(month: date, *, now: datetime | None = None) -> Built:
    """The figures of ``month`` (its first day) as of ``now``."""
    now = now or clock.now()
    policy = stats.Policy.current()
    period = stats.Period.month(month)
    rows = stats.rows_for(period)
    current = stats.figures(rows, policy=policy, now=now)
    previous = stats.figures(stats.rows_for(period.previous_month()), policy=policy, now=now)
    year_before = stats.figures(stats.rows_for(period.year_before()), policy=policy, now=now)

    rates = []
    for key, label, _, _ in stats.RATES:
        rate = current["rates"][key]
        rates.append(
            {
                "key": key,
                "label": label,
                "value": rate["value"],
                "numerator": rate["numerator"],
                "n": rate["n"],
                "previous": previous["rates"][key]["value"],
                "year_before": year_before["rates"][key]["value"],
            }
        )

    full = {
        key: _order_rows(rows.filter(condition)) for key, condition in list_filters(now).items()
    }
    lists = [
        {"key": key, "label": label, "total": len(full[key]), "rows": full[key][:LIST_CAP]}
        for key, label in LISTS
    ]
    summary = {
        "month": timefmt.month_text(month),
        "title": title_of(month),
        "period": [timefmt.day_text(period.start), timefmt.day_text(period.end)],
        "channels": [Channel(channel).label for channel in stats.DEPUTY_CHANNELS],
        "as_of": timefmt.iso(now),
        "totals": {key: current["counts"][key] for key in TOTALS},
        "counts": current["counts"],
        "by": [
            {"key": dimension, "label": label, "rows": _grouped(rows, dimension, now, policy)}
            for dimension, label in DIMENSIONS
        ],
        "rates": rates,
        "previous_month": timefmt.month_text(period.previous_month().start),
        "year_before_month": timefmt.month_text(period.year_before().start),
        "lists": lists,
        "notable": _notable(month),
        "list_cap": LIST_CAP,
        # 闭会期间代表建议 of the month (minyi/suggestions/figures.py)
        "suggestions": suggestion_figures(period.start, period.end),
    }
    return Built(summary=summary, lists=full)


def total_labels() -> list[str]:
    return [stats.COUNT_LABELS[key] for key in TOTALS]
