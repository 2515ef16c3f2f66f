"""Which departments still owe this round's reply: every part in the first round, the lead
department only in the second (再次办理), none that has replied in the round. The one rule the
page's reply form, the deadline scan and the statistics' 当前逾期未答复 read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from minyi.suggestions.models import (
    SuggestionAssignment,
    SuggestionReply,
    SuggestionRole,
    SuggestionStatus,
)


def owing(parts: QuerySet[SuggestionAssignment]) -> QuerySet[SuggestionAssignment]:
    """The parts of ``parts`` whose department owes its suggestion's current round a reply."""
    answered = SuggestionReply.objects.filter(
        suggestion_id=OuterRef("suggestion_id"),
        department_id=OuterRef("department_id"),
        round=OuterRef("suggestion__round"),
    )
    return parts.filter(
        Q(suggestion__status=SuggestionStatus.ASSIGNED)
        | Q(suggestion__status=SuggestionStatus.SECOND_ROUND, role=SuggestionRole.LEAD)
    ).exclude(Exists(answered))
