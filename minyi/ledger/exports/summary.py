"""The summary of an export (the xlsx's sheet "汇总", the PDF's first lines): the counts and the
rates of ``minyi.ledger.stats.figures`` on the same filtered rows, overall and by channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from minyi.ledger import stats
from minyi.orders.models import Channel

# The strip the page shows above the table, and the PDF under its title.
STRIP = ("orders", "accepted", "closed", "in_progress", "overdue", "supervised", "redone")
# The counts of the by-channel table.
BY_CHANNEL_COUNTS = ("orders", "accepted", "closed", "in_progress", "overdue", "rated")


@dataclass(frozen=True)
class Summary:
    overall: dict  # stats.figures: {"counts": …, "rates": …}
    by_channel: list[dict]  # [{"key": channel, "counts": …, "rates": …}]

    @property
    def total(self) -> int:
        """Every row the filter holds (a merged duplicate included)."""
        return self.overall["counts"]["registered"]


def summary_of(rows: QuerySet, *, now: datetime, by_channel: bool = True) -> Summary:
    """The figures of ``rows``; by channel, one ``figures`` query per channel present (at most
    four), each channel's rows read on the (channel, created_at) index."""
    policy = stats.Policy.current()
    overall = stats.figures(rows, policy=policy, now=now)
    groups = []
    if by_channel and overall["counts"]["registered"]:
        present = rows.order_by().values_list("channel", flat=True).distinct()
        for code in sorted(set(present), key=[c.value for c in Channel].index):
            result = stats.figures(rows.filter(channel=code), policy=policy, now=now)
            groups.append({"key": code, **result})
    return Summary(overall, groups)


def strip(summary: Summary) -> list[tuple[str, str, int]]:
    """(count key, label, value) of the strip."""
    counts = summary.overall["counts"]
    return [(key, stats.COUNT_LABELS[key], counts[key]) for key in STRIP]


def percent(rate: dict) -> str:
    """``96.97%``, or 样本不足 below the minimum sample."""
    if rate["value"] is None:
        return "样本不足"
    return f"{rate['value'] * 100:.2f}%"


def interval(rate: dict) -> str:
    if rate["interval"] is None:
        return ""
    low, high = rate["interval"]
    return f"{low * 100:.1f}%–{high * 100:.1f}%"


def channel_label(code: str) -> str:
    try:
        return Channel(code).label
    except ValueError:
        return code or "—"
