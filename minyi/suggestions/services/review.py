"""The liaison committee's part: review (立案 / 退回代表 / 不予立案) and hand-over (交办)."""

from __future__ import annotations

from django.db import transaction

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.core.errors import ValidationFailed
from minyi.suggestions.models import (
    MAX_LIMIT_MONTHS,
    Suggestion,
    SuggestionAssignment,
    SuggestionEventKind,
    SuggestionRole,
    SuggestionStatus,
    SuggestionWarning,
)
from minyi.suggestions.services.common import add_months, locked, move, policy, require_status
from minyi.suggestions.services.notices import tell


def _require_liaison(actor, doing: str) -> None:
    if actor is None or not actor.is_active or actor.role != Role.LIAISON:
        raise ValidationFailed(f"只有联工委工作人员可以{doing}。")


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(f"请填写{what}的理由。")
    return reason


@transaction.atomic
def suggestion_accept(
    *, suggestion: Suggestion, actor, note: str = "", lead_deputy=None
) -> Suggestion:
    """立案. An escalated citizen's order has no deputy: the committee names the lead deputy."""
    _require_liaison(actor, "审查代表建议")
    suggestion = locked(suggestion)
    require_status(suggestion, SuggestionStatus.PENDING, doing="立案")
    fields = []
    if lead_deputy is not None and lead_deputy.pk != suggestion.lead_deputy_id:
        if not lead_deputy.is_active:
            raise ValidationFailed("领衔代表已不在任，不能领衔建议。")
        suggestion.lead_deputy = lead_deputy
        fields.append("lead_deputy")
    if suggestion.lead_deputy_id is None:
        raise ValidationFailed("请先指定领衔代表，再立案。")
    event = move(
        suggestion,
        SuggestionStatus.ACCEPTED,
        SuggestionEventKind.ACCEPTED,
        actor=actor,
        note=(note or "").strip(),
        data={"lead_deputy": suggestion.lead_deputy_id},
        fields=fields,
    )
    tell(event)
    return suggestion


@transaction.atomic
def suggestion_return(*, suggestion: Suggestion, actor, reason: str) -> Suggestion:
    """退回代表: the lead deputy amends it and submits it again (``suggestion_resubmit``)."""
    _require_liaison(actor, "审查代表建议")
    reason = _reason(reason, "退回")
    suggestion = locked(suggestion)
    require_status(suggestion, SuggestionStatus.PENDING, doing="退回")
    if suggestion.lead_deputy_id is None:
        raise ValidationFailed("该建议没有领衔代表，不能退回代表。")
    event = move(
        suggestion,
        SuggestionStatus.RETURNED,
        SuggestionEventKind.RETURNED,
        actor=actor,
        note=reason,
    )
    tell(event)
    return suggestion


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, actor, reason: str) -> Suggestion:
    """不予立案 (closed for good)."""
    _require_liaison(actor, "审查代表建议")
    reason = _reason(reason, "不予立案")
    suggestion = locked(suggestion)
    require_status(suggestion, SuggestionStatus.PENDING, doing="不予立案")
    suggestion.closed_at = clock.now()
    event = move(
        suggestion,
        SuggestionStatus.NOT_ADOPTED,
        SuggestionEventKind.NOT_ADOPTED,
        actor=actor,
        note=reason,
        fields=["closed_at"],
    )
    tell(event)
    return suggestion


@transaction.atomic
def suggestion_assign(
    *,
    suggestion: Suggestion,
    actor,
    lead_department,
    assisting=(),
    months: int | None = None,
    note: str = "",
) -> Suggestion:
    """交办: one lead department (主办), any assisting (协办); the reply is due ``months``
    calendar months from today's Beijing date (the policy's default, at most six)."""
    _require_liaison(actor, "交办代表建议")
    if lead_department is None:
        raise ValidationFailed("请选择主办单位。")
    assisting = [d for d in dict.fromkeys(assisting or ()) if d != lead_department]
    for department in [lead_department, *assisting]:
        if not department.is_active:
            raise ValidationFailed(f"{department.name}已停用，不能交办。")
    months = policy().reply_months if months in (None, "") else int(months)
    if months < 1:
        raise ValidationFailed("答复期限至少 1 个月。")
    if months > MAX_LIMIT_MONTHS:
        raise ValidationFailed(f"答复期限最长 {MAX_LIMIT_MONTHS} 个月。")
    suggestion = locked(suggestion)
    require_status(suggestion, SuggestionStatus.ACCEPTED, doing="交办")
    now = clock.now()
    SuggestionAssignment.objects.bulk_create(
        [
            SuggestionAssignment(
                suggestion=suggestion,
                department=lead_department,
                role=SuggestionRole.LEAD,
                assigned_at=now,
            )
        ]
        + [
            SuggestionAssignment(
                suggestion=suggestion, department=d, role=SuggestionRole.ASSIST, assigned_at=now
            )
            for d in assisting
        ]
    )
    suggestion.assigned_at, suggestion.round = now, 1
    suggestion.due_on = add_months(timefmt.local_date(now), months)
    suggestion.warning = SuggestionWarning.NONE
    event = move(
        suggestion,
        SuggestionStatus.ASSIGNED,
        SuggestionEventKind.ASSIGNED,
        actor=actor,
        note=(note or "").strip(),
        data={
            "lead": lead_department.pk,
            "assisting": [d.pk for d in assisting],
            "months": months,
            "due_on": timefmt.day_text(suggestion.due_on),
        },
        fields=["assigned_at", "round", "due_on", "warning"],
    )
    tell(event)
    return suggestion
