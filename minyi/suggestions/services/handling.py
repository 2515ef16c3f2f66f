"""The departments' replies and the lead deputy's evaluation (one or two rounds)."""

from __future__ import annotations

from django.db import transaction

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.core.errors import ValidationFailed
from minyi.suggestions.models import (
    Evaluation,
    Suggestion,
    SuggestionEventKind,
    SuggestionReply,
    SuggestionRole,
    SuggestionStatus,
    SuggestionWarning,
)
from minyi.suggestions.services.common import (
    add_months,
    locked,
    move,
    policy,
    record,
    require_status,
)
from minyi.suggestions.services.notices import tell
from minyi.uploads.check import check_upload


@transaction.atomic
def suggestion_reply(
    *, suggestion: Suggestion, actor, content: str, attachment=None
) -> SuggestionReply:
    """A department's reply. 协办 replies (their opinion) while the lead has not replied; the
    lead department's reply answers the deputy: the suggestion becomes 已答复. In the second
    round only the lead department replies."""
    if actor is None or not actor.is_active or actor.role != Role.HANDLER:
        raise ValidationFailed("只有承办单位可以答复代表建议。")
    content = (content or "").strip()
    if not content:
        raise ValidationFailed("请填写答复内容。")
    checked = check_upload(attachment) if attachment is not None else None
    suggestion = locked(suggestion)
    require_status(
        suggestion, SuggestionStatus.ASSIGNED, SuggestionStatus.SECOND_ROUND, doing="答复"
    )
    part = suggestion.assignments.filter(department_id=actor.department_id).first()
    if part is None:
        raise ValidationFailed("该建议未交本单位办理，不能答复。")
    if suggestion.status == SuggestionStatus.SECOND_ROUND and part.role != SuggestionRole.LEAD:
        raise ValidationFailed("再次办理由主办单位答复。")
    if suggestion.replies.filter(department_id=part.department_id, round=suggestion.round).exists():
        raise ValidationFailed("本单位已答复过本轮，不能重复答复。")
    now = clock.now()
    reply = SuggestionReply(
        suggestion=suggestion,
        department_id=part.department_id,
        round=suggestion.round,
        content=content,
        replied_by=actor,
        replied_at=now,
        on_time=suggestion.due_on is None or timefmt.local_date(now) <= suggestion.due_on,
    )
    if checked is not None:
        reply.attachment_name, reply.attachment_type = checked.name, checked.content_type
        # the stored name is ours (never the user's): only the type's extension is kept
        reply.attachment.save(f"reply{checked.extension}", checked.content, save=False)
    reply.save()
    data = {"department": part.department_id, "round": reply.round, "on_time": reply.on_time}
    if part.role != SuggestionRole.LEAD:
        record(suggestion, SuggestionEventKind.REPLIED, actor=actor, note=content, data=data)
        return reply
    suggestion.warning = SuggestionWarning.NONE
    event = move(
        suggestion,
        SuggestionStatus.REPLIED,
        SuggestionEventKind.REPLIED,
        actor=actor,
        note=content,
        data=data,
        fields=["warning"],
    )
    tell(event)
    return reply


@transaction.atomic
def suggestion_evaluate(
    *, suggestion: Suggestion, actor, evaluation: str, note: str = ""
) -> Suggestion:
    """The lead deputy's 满意 / 基本满意 / 不满意. After the first reply 不满意 starts a second
    round (the lead department, ``second_reply_months``); anything else, or any evaluation of the
    second reply, closes the suggestion."""
    if evaluation not in Evaluation.values:
        raise ValidationFailed("请选择满意、基本满意或不满意。")
    note = (note or "").strip()
    if evaluation == Evaluation.DISSATISFIED and not note:
        raise ValidationFailed("请说明不满意的理由。")
    suggestion = locked(suggestion)
    if (
        actor is None
        or getattr(actor, "role", "") != Role.DEPUTY
        or suggestion.lead_deputy_id is None
        or actor.deputy_id != suggestion.lead_deputy_id
    ):
        raise ValidationFailed("只有领衔代表可以评价办理结果。")
    require_status(suggestion, SuggestionStatus.REPLIED, doing="评价")
    data = {"evaluation": evaluation, "round": suggestion.round}
    if suggestion.round == 1:
        suggestion.evaluation = evaluation
        fields = ["evaluation"]
    else:
        suggestion.final_evaluation = evaluation
        fields = ["final_evaluation"]
    record(suggestion, SuggestionEventKind.EVALUATED, actor=actor, note=note, data=data)
    now = clock.now()
    if suggestion.round == 1 and evaluation == Evaluation.DISSATISFIED:
        suggestion.round = 2
        suggestion.due_on = add_months(timefmt.local_date(now), policy().second_reply_months)
        suggestion.warning = SuggestionWarning.NONE
        event = move(
            suggestion,
            SuggestionStatus.SECOND_ROUND,
            SuggestionEventKind.SECOND_ROUND,
            actor=actor,
            note=note,
            data={"due_on": timefmt.day_text(suggestion.due_on)},
            fields=[*fields, "round", "due_on", "warning"],
        )
    else:
        suggestion.closed_at = now
        event = move(
            suggestion,
            SuggestionStatus.CLOSED,
            SuggestionEventKind.CLOSED,
            actor=actor,
            data=data,
            fields=[*fields, "closed_at"],
        )
    tell(event)
    return suggestion
