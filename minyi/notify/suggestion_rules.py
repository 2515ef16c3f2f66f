"""Which messages a suggestion event causes (闭会期间代表建议, minyi/suggestions).

The lead deputy (领衔代表) is told by SMS at each step that is theirs: 立案, 退回 (with the
reason), 不予立案 (with the reason), 交办 (the lead department and the date), the reply, and when
the reply is overdue. Departments' handlers get in-app notices: 交办, a second round, the close,
and the scan's yellow (before the date) and red (overdue) warnings, as for orders; the liaison
officers get notices when a deputy submits and with each warning. Titles go through the
suggestion's privacy rule (``minyi.suggestions.privacy``): an SMS reads the strictest cut.
"""

from __future__ import annotations

from minyi.accounts.models import Role, User

# The placeholders each template's rule provides (merged into ``rules.TEMPLATE_PARAMS``).
SUGGESTION_PARAMS: dict[str, tuple[str, ...]] = {
    "suggestion_submitted_liaison": ("number", "title", "deputy_name"),
    "suggestion_accepted": ("number", "title"),
    "suggestion_returned": ("number", "title", "reason"),
    "suggestion_not_adopted": ("number", "title", "reason"),
    "suggestion_assigned": ("number", "title", "department", "due"),
    "suggestion_assigned_handler": ("number", "title", "role", "due"),
    "suggestion_replied": ("number", "title", "department"),
    "suggestion_second_round_handler": ("number", "title", "due"),
    "suggestion_closed_handler": ("number", "title", "evaluation"),
    "suggestion_yellow_handler": ("number", "title", "due"),
    "suggestion_red_handler": ("number", "title", "due"),
    "suggestion_yellow_liaison": ("number", "title", "due", "department"),
    "suggestion_red_liaison": ("number", "title", "due", "department"),
    "suggestion_overdue": ("number", "title", "due"),
}

REASON_CHARS = 60


def _handlers(department_ids) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.HANDLER, is_active=True, department_id__in=list(department_ids)
        ).order_by("id")
    )


def _liaison() -> list[User]:
    return list(User.objects.filter(role=Role.LIAISON, is_active=True).order_by("id"))


def _cut(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def drafts_for_suggestion(event) -> list:
    """The drafts ``event`` (a ``SuggestionEvent``) causes; [] for a kind that tells nobody."""
    from minyi.core import timefmt
    from minyi.notify.rules import Draft, deputy_mobile
    from minyi.suggestions.models import SuggestionEventKind as Kind
    from minyi.suggestions.models import SuggestionRole
    from minyi.suggestions.privacy import shown_title

    suggestion, kind = event.suggestion, event.kind
    base = {"number": suggestion.shown_number, "title": shown_title(None, suggestion)}
    due = timefmt.sms_day(suggestion.due_on) if suggestion.due_on else ""
    phone = deputy_mobile(suggestion.lead_deputy_id)
    parts = list(suggestion.assignments.select_related("department").order_by("role", "id"))
    lead = next((p for p in parts if p.role == SuggestionRole.LEAD), None)
    drafts: list = []

    def sms(code: str, **params) -> None:
        if phone:
            drafts.append(Draft(code, {**base, **params}, phone=phone))

    def notices(code: str, users, **params) -> None:
        for user in users:
            seen = {**base, "title": shown_title(user, suggestion), **params}
            drafts.append(Draft(code, seen, user=user))

    if kind in (Kind.CREATED, Kind.RESUBMITTED) and suggestion.lead_deputy_id:
        name = suggestion.lead_deputy.name
        notices("suggestion_submitted_liaison", _liaison(), deputy_name=name)
    elif kind == Kind.ACCEPTED:
        sms("suggestion_accepted")
    elif kind == Kind.RETURNED:
        sms("suggestion_returned", reason=_cut(event.note))
    elif kind == Kind.NOT_ADOPTED:
        sms("suggestion_not_adopted", reason=_cut(event.note))
    elif kind == Kind.ASSIGNED and lead is not None:
        sms("suggestion_assigned", department=lead.department.name, due=due)
        for part in parts:
            notices(
                "suggestion_assigned_handler",
                _handlers([part.department_id]),
                role=part.get_role_display(),
                due=due,
            )
    elif kind == Kind.REPLIED and event.to_status == "replied" and lead is not None:
        sms("suggestion_replied", department=lead.department.name)
    elif kind == Kind.SECOND_ROUND and lead is not None:
        notices("suggestion_second_round_handler", _handlers([lead.department_id]), due=due)
    elif kind == Kind.CLOSED and suggestion.assigned_at is not None:
        evaluation = suggestion.get_final_evaluation_display() or (
            suggestion.get_evaluation_display()
        )
        notices(
            "suggestion_closed_handler",
            _handlers(p.department_id for p in parts),
            evaluation=evaluation,
        )
    elif kind in (Kind.WARNED, Kind.OVERDUE):
        level = "yellow" if kind == Kind.WARNED else "red"
        waiting = event.data.get("departments", [])
        names = "、".join(p.department.name for p in parts if p.department_id in waiting)
        notices(f"suggestion_{level}_handler", _handlers(waiting), due=due)
        notices(f"suggestion_{level}_liaison", _liaison(), due=due, department=names)
        if kind == Kind.OVERDUE:
            sms("suggestion_overdue", due=due)
    return drafts
