"""Reading suggestions, as the reader may see them: the committee's queue by state, a
department's suggestions, a deputy's own, one suggestion's page. Nothing here writes."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from minyi.accounts.models import Role
from minyi.core.access import has_role
from minyi.suggestions import privacy
from minyi.suggestions.models import Suggestion, SuggestionStatus

QUEUE_LIMIT = 200

# the committee's tabs: each state, in the order work moves
TABS = [
    (SuggestionStatus.PENDING, "待审查"),
    (SuggestionStatus.ACCEPTED, "待交办"),
    (SuggestionStatus.ASSIGNED, "办理中"),
    (SuggestionStatus.SECOND_ROUND, "再次办理"),
    (SuggestionStatus.REPLIED, "待评价"),
    (SuggestionStatus.RETURNED, "已退回"),
    (SuggestionStatus.NOT_ADOPTED, "不予立案"),
    (SuggestionStatus.CLOSED, "已办结"),
]


def base() -> QuerySet[Suggestion]:
    """Every read of suggestions starts here: what the privacy rule and the lists read of each
    row, in a fixed number of queries (the ledger too)."""
    return Suggestion.objects.select_related(
        "order__request_type", "order__deputy", "escalated_by", "lead_deputy"
    ).prefetch_related("order__deputy__phones")


def _shown(user, rows) -> list[Suggestion]:
    """Each row's texts and people as ``user`` may read them (``minyi.suggestions.privacy``):
    ``shown_title``, ``shown_note``, ``shown_lead`` (the lead deputy's name or a label)."""
    for row in rows:
        person = privacy.person(user, row)
        row.person = person
        row.shown_title = person.redact(row.title)
        row.shown_note = person.redact_from(row.note, row.escalated_by)
        row.shown_lead = person.deputy_name(row.lead_deputy)
    return rows


def suggestion_queue(user, *, status: str = SuggestionStatus.PENDING) -> list[Suggestion]:
    """The newest suggestions in ``status`` (at most ``QUEUE_LIMIT``), each title and note cut
    by the privacy rule for ``user`` (``shown_title``, ``shown_note``)."""
    rows = list(base().filter(status=status).order_by("-escalated_at", "-id")[:QUEUE_LIMIT])
    return _shown(user, rows)


def department_suggestions(user) -> list[Suggestion]:
    """The suggestions handed to the handler's department: running ones first, nearest date."""
    if not has_role(user, Role.HANDLER) or not user.department_id:
        return []
    rows = list(
        base()
        .filter(assignments__department_id=user.department_id)
        .prefetch_related("assignments")
        .order_by("closed_at", "due_on", "-id")
        .distinct()[:QUEUE_LIMIT]
    )
    roles = dict(
        (a.suggestion_id, a.get_role_display())
        for row in rows
        for a in row.assignments.all()
        if a.department_id == user.department_id
    )
    for row in rows:
        row.my_role = roles.get(row.pk, "")
    return _shown(user, rows)


def deputy_suggestions(user) -> list[Suggestion]:
    """The deputy's own: those they lead or co-sign, newest first."""
    if not has_role(user, Role.DEPUTY) or not user.deputy_id:
        return []
    rows = list(
        base()
        .filter(Q(lead_deputy_id=user.deputy_id) | Q(cosigners=user.deputy_id))
        .distinct()
        .order_by("-escalated_at", "-id")[:QUEUE_LIMIT]
    )
    return _shown(user, rows)


def visible_suggestion(user, pk: int) -> Suggestion:
    """One suggestion ``user`` may read, or 404 (fails closed): the committee all; a handler
    those handed to their department; a deputy those they lead or co-sign."""
    row = base().filter(pk=pk).first()
    if row is None or not _may_read(user, row):
        raise Http404("没有找到该代表建议。")
    return _shown(user, [row])[0]


def _may_read(user, row: Suggestion) -> bool:
    if has_role(user, Role.LIAISON):
        return True
    if has_role(user, Role.HANDLER) and user.department_id:
        return row.assignments.filter(department_id=user.department_id).exists()
    if has_role(user, Role.DEPUTY) and user.deputy_id:
        return row.lead_deputy_id == user.deputy_id or (
            row.cosigners.filter(pk=user.deputy_id).exists()
        )
    return False


def suggestion_page(user, row: Suggestion) -> dict:
    """What the detail page shows of ``row`` for ``user``: texts cut, parts, replies, events."""
    person = row.person
    parts = list(row.assignments.select_related("department").order_by("role", "id"))
    replies = list(row.replies.select_related("department", "replied_by").order_by("round", "id"))
    for reply in replies:
        reply.shown_content = person.redact_from(reply.content, reply.replied_by)
        reply.shown_attachment_name = person.redact_from(reply.attachment_name, reply.replied_by)
    events = list(row.events.select_related("actor").order_by("at", "id"))
    for event in events:
        event.shown_note = person.redact_from(event.note, event.actor)
        event.shown_actor = person.actor_name(event.actor)
    return {
        "s": row,
        "content": person.redact(row.content),
        "cosigners": [person.deputy_name(d) for d in row.cosigners.all()],
        "parts": parts,
        "replies": replies,
        "events": events,
        "is_liaison": has_role(user, Role.LIAISON),
        "my_part": next(
            (
                p
                for p in parts
                if has_role(user, Role.HANDLER) and p.department_id == user.department_id
            ),
            None,
        ),
        "is_lead": has_role(user, Role.DEPUTY) and row.lead_deputy_id == user.deputy_id,
    }
