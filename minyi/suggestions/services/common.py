"""What every suggestion service shares: the event row, the state check, the policy row, and
calendar months on Beijing dates."""

from __future__ import annotations

import calendar
from datetime import date

from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.suggestions.models import (
    Suggestion,
    SuggestionEvent,
    SuggestionPolicy,
    SuggestionStatus,
)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter:
    30 November + 3 months is 28/29 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def policy() -> SuggestionPolicy:
    row = SuggestionPolicy.objects.order_by("pk").first()
    return row if row is not None else SuggestionPolicy()


def locked(suggestion: Suggestion) -> Suggestion:
    # two officers (or a double click) must not both move the same suggestion
    # (the caller's instance is refreshed in place, so it reads the move it asked for)
    suggestion.refresh_from_db(from_queryset=Suggestion.objects.select_for_update())
    return suggestion


def require_status(suggestion: Suggestion, *allowed: str, doing: str) -> None:
    if suggestion.status not in allowed:
        raise InvalidTransition(f"该建议当前为“{suggestion.get_status_display()}”，不能{doing}。")


def record(
    suggestion: Suggestion,
    kind: str,
    *,
    actor,
    from_status: str = "",
    note: str = "",
    data: dict | None = None,
    at=None,
) -> SuggestionEvent:
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        kind=kind,
        actor=actor,
        at=at or clock.now(),
        from_status=from_status,
        to_status=suggestion.status,
        note=note,
        data=data or {},
    )


def move(suggestion: Suggestion, to: str, kind: str, *, actor, note="", data=None, fields=()):
    """Set the state, save ``fields`` with it, write the event."""
    before = suggestion.status
    suggestion.status = to
    suggestion.save(update_fields=["status", *fields])
    return record(suggestion, kind, actor=actor, from_status=before, note=note, data=data)


__all__ = ["SuggestionStatus", "add_months", "locked", "move", "policy", "record"]
