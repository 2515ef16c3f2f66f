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

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from minyi.suggestions.models import Evaluation, Suggestion, SuggestionEvent, SuggestionEventKind
from minyi.workdays.calendar import day_start

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


def _conditions() -> dict[str, Q]:
    """Each figure's condition on an event row: the counts, the evaluations (``evaluated``, and
    ``evaluated_<kind>``). The ledger's ``figure=`` filter reads the same conditions, so a count
    clicks through to the suggestions it counts."""
    # the reply that answered the deputy is the one that moved the suggestion to 已答复
    replied = Q(kind=SuggestionEventKind.REPLIED, to_status="replied")
    evaluated = Q(kind=SuggestionEventKind.EVALUATED)
    return {
        "received": Q(kind__in=(SuggestionEventKind.CREATED, SuggestionEventKind.ESCALATED)),
        **{key: Q(kind=kind) for key, kind in _KINDS.items()},
        "replied": replied,
        "replied_on_time": replied & Q(data__on_time=True),
        "evaluated": evaluated,
        **{f"evaluated_{value}": evaluated & Q(data__evaluation=value) for value in Evaluation},
    }


FIGURES = {
    **LABELS,
    "evaluated": "代表评价",
    **{f"evaluated_{value}": f"代表评价：{label}" for value, label in Evaluation.choices},
}


def _events(start: date | None, end: date | None) -> QuerySet[SuggestionEvent]:
    events = SuggestionEvent.objects.all()
    if start is not None:
        events = events.filter(at__gte=day_start(start))
    if end is not None:
        events = events.filter(at__lt=day_start(end + timedelta(days=1)))
    return events


def figure_suggestions(key: str, start: date | None, end: date | None) -> QuerySet[Suggestion]:
    """The suggestions a figure counts in ``start`` to ``end`` (either open): those with at least
    one such event (a count counts events: a suggestion replied late in both rounds is one
    suggestion here, two replies there)."""
    ids = _events(start, end).filter(_conditions()[key]).values("suggestion_id")
    return Suggestion.objects.filter(pk__in=ids)


def suggestion_figures(start: date, end: date) -> dict:
    """The counts of ``start`` to ``end`` (inclusive Beijing dates), with their labels: one
    aggregate query over the period's event rows."""
    found = _events(start, end).aggregate(
        **{key: Count("id", filter=q) for key, q in _conditions().items()}
    )
    counts = {key: found[key] for key in LABELS}
    ordered = ["received", "accepted", "not_adopted", "returned", "assigned", "replied"]
    return {
        "counts": counts,
        "rows": [{"key": k, "label": LABELS[k], "n": counts[k]} for k in ordered]
        + [{"key": k, "label": LABELS[k], "n": counts[k]} for k in ("replied_on_time", "closed")],
        "evaluated": found["evaluated"],
        "evaluations": [
            {"key": value, "label": label, "n": found[f"evaluated_{value}"]}
            for value, label in Evaluation.choices
        ],
    }
