"""The liaison committee's queue of suggestions, as the reader may see them."""

from __future__ import annotations

from minyi.privacy import rules
from minyi.suggestions.models import Suggestion, SuggestionStatus

QUEUE_LIMIT = 200


def suggestion_queue(user, *, status: str = SuggestionStatus.PENDING) -> list[Suggestion]:
    """The newest suggestions in ``status`` (at most ``QUEUE_LIMIT``), each order's title and the
    note cut by the privacy rule for ``user`` (``shown_title``, ``shown_note``)."""
    rows = list(
        Suggestion.objects.filter(status=status)
        .select_related("order__request_type", "order__deputy", "escalated_by")
        .prefetch_related("order__deputy__phones")
        .order_by("-escalated_at", "-id")[:QUEUE_LIMIT]
    )
    for row in rows:
        person = rules.requester_shown(user, row.order)
        row.shown_title = person.redact(row.order.title)
        row.shown_note = person.redact_from(row.note, row.escalated_by)
        row.person = person
    return rows
