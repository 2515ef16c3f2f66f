"""The reply deadlines: a scheduled scan raises 临期 (yellow, ``warn_days`` before the date) and
逾期 (red, the day after it) once each per round, each with an event that tells the departments
that have not replied, the liaison officers and (when overdue) the lead deputy.

Dates are Beijing dates; the due date is the last day to reply (inclusive)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from minyi.core import clock, timefmt
from minyi.suggestions.models import (
    RUNNING,
    Suggestion,
    SuggestionEventKind,
    SuggestionWarning,
)
from minyi.suggestions.owing import owing
from minyi.suggestions.services.common import policy, record
from minyi.suggestions.services.notices import tell


@dataclass
class ScanResult:
    yellow: int = 0
    red: int = 0

    def __str__(self) -> str:
        return f"代表建议期限扫描：临期 {self.yellow} 件，逾期 {self.red} 件"


def _waiting(suggestion: Suggestion) -> list[int]:
    """The departments that owe this round's reply (the lead only in the second round)."""
    parts = owing(suggestion.assignments.all()).order_by("role", "id")
    return list(parts.values_list("department_id", flat=True))


def _raise(suggestion: Suggestion, level: str, kind: str) -> bool:
    with transaction.atomic():
        # a conditional UPDATE: two scans never warn the same round twice
        moved = Suggestion.objects.filter(
            pk=suggestion.pk, status=suggestion.status, warning=suggestion.warning
        ).update(warning=level)
        if not moved:
            return False
        suggestion.warning = level
        event = record(
            suggestion,
            kind,
            actor=None,
            data={
                "departments": _waiting(suggestion),
                "due_on": timefmt.day_text(suggestion.due_on),
                "round": suggestion.round,
            },
        )
        tell(event)
    return True


def suggestion_deadline_scan(*, now: datetime | None = None) -> ScanResult:
    today = timefmt.local_date(now or clock.now())
    warn_from = today + timedelta(days=policy().warn_days)
    result = ScanResult()
    running = (
        Suggestion.objects.filter(status__in=RUNNING, due_on__isnull=False)
        .exclude(warning=SuggestionWarning.RED)
        .filter(due_on__lte=warn_from)
        .select_related("lead_deputy")
        .order_by("due_on", "id")
    )
    for suggestion in running:
        if suggestion.due_on < today:
            result.red += _raise(suggestion, SuggestionWarning.RED, SuggestionEventKind.OVERDUE)
        elif suggestion.warning == SuggestionWarning.NONE:
            result.yellow += _raise(
                suggestion, SuggestionWarning.YELLOW, SuggestionEventKind.WARNED
            )
    return result
