"""代表建议 in the monthly report: what happened to suggestions in a period (whole Beijing days),
counted from their event rows, so a month's figures stay what they were.

- received: submitted (by a deputy, from a clue, escalated from an order);
- accepted, not_adopted, returned: the committee's decisions;
- assigned: handed to departments;
- replied, replied_on_time: the lead departments' replies that answered the deputy (either
  round), and those made by the due date;
- evaluations: the lead deputies' evaluations by kind (both rounds);
- closed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count

from minyi.core import timefmt
from minyi.suggestions.models import Evaluation, SuggestionEvent, SuggestionEventKind

LABELS = {
    "received": "收到建议",
    "accepted": "立案",
    "not_adopted": "不予立案",
    "returned": "退回代表",
    "assigned": "交办",
    "replied": "答复",
    "replied_on_time": "按期答复",
    "closed": "办结",
}
_KINDS = {
    "accepted": SuggestionEventKind.ACCEPTED,
    "not_adopted": SuggestionEventKind.NOT_ADOPTED,
    "returned": SuggestionEventKind.RETURNED,
    "assigned": SuggestionEventKind.ASSIGNED,
    "closed": SuggestionEventKind.CLOSED,
}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timefmt.SHANGHAI)


def suggestion_figures(start: date, end: date) -> dict:
    """The counts of ``start`` to ``end`` (inclusive Beijing dates), with their labels."""
    events = SuggestionEvent.objects.filter(
        at__gte=_start(start), at__lt=_start(end + timedelta(days=1))
    )
    by_kind = dict(events.values_list("kind").annotate(n=Count("id")).order_by())
    counts = {
        "received": by_kind.get(SuggestionEventKind.CREATED, 0)
        + by_kind.get(SuggestionEventKind.ESCALATED, 0),
        **{key: by_kind.get(kind, 0) for key, kind in _KINDS.items()},
    }
    # the reply that answered the deputy is the one that moved the suggestion to 已答复
    answered = events.filter(kind=SuggestionEventKind.REPLIED, to_status="replied")
    counts["replied"] = answered.count()
    counts["replied_on_time"] = answered.filter(data__on_time=True).count()
    ordered = ["received", "accepted", "not_adopted", "returned", "assigned", "replied"]
    evaluated = dict(
        events.filter(kind=SuggestionEventKind.EVALUATED)
        .values_list("data__evaluation")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "counts": counts,
        "rows": [{"key": k, "label": LABELS[k], "n": counts[k]} for k in ordered]
        + [{"key": k, "label": LABELS[k], "n": counts[k]} for k in ("replied_on_time", "closed")],
        "evaluations": [
            {"key": value, "label": label, "n": evaluated.get(value, 0)}
            for value, label in Evaluation.choices
        ],
    }
