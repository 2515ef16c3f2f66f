"""How a suggestion comes in: ``suggestion_create`` (a deputy, a clue, an officer) and
``suggestion_escalate`` (an order the hotline cannot settle)."""

from __future__ import annotations

from django.db import transaction

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.core.errors import ValidationFailed
from minyi.deputies.models import Deputy
from minyi.orders.models import EventKind, WorkOrder
from minyi.orders.services.closing import order_escalate
from minyi.suggestions.models import (
    Suggestion,
    SuggestionEventKind,
    SuggestionSource,
    SuggestionStatus,
)
from minyi.suggestions.services.common import locked, move, record, require_status
from minyi.suggestions.services.notices import tell

TITLE_MAX = 200


def _clean_text(title: str, content: str) -> tuple[str, str]:
    title, content = (title or "").strip(), (content or "").strip()
    if not title:
        raise ValidationFailed("请填写建议标题。")
    if len(title) > TITLE_MAX:
        raise ValidationFailed(f"建议标题不能超过 {TITLE_MAX} 字。")
    if not content:
        raise ValidationFailed("请填写建议内容。")
    return title, content


def _clean_deputies(lead_deputy, cosigners) -> list[Deputy]:
    if lead_deputy is not None and not lead_deputy.is_active:
        raise ValidationFailed("领衔代表已不在任，不能领衔建议。")
    seen: dict[int, Deputy] = {}
    for deputy in cosigners or ():
        if lead_deputy is not None and deputy.pk == lead_deputy.pk:
            raise ValidationFailed("领衔代表不必再作为附议代表。")
        if not deputy.is_active:
            raise ValidationFailed(f"附议代表{deputy.name}已不在任。")
        seen[deputy.pk] = deputy
    return list(seen.values())


@transaction.atomic
def suggestion_create(
    *,
    title: str,
    content: str,
    lead_deputy: Deputy | None,
    cosigners=(),
    actor,
    source: str,
    order: WorkOrder | None = None,
    clue_id: int | None = None,
    note: str = "",
) -> Suggestion:
    """A new suggestion in the liaison committee's queue (待处理), with its ``created`` event.

    ``source``: ``deputy`` (a deputy's own, lead deputy = the actor's deputy), ``clue`` (a
    professional group turns a clue into a suggestion: ``clue_id``), ``order`` (use
    ``suggestion_escalate``, which closes the order first). A deputy may only lead their own.
    """
    if actor is None:
        raise ValidationFailed("提出代表建议须记录提交人。")
    if source not in SuggestionSource.values:
        raise ValidationFailed("建议来源不正确。")
    title, content = _clean_text(title, content)
    if source == SuggestionSource.DEPUTY and lead_deputy is None:
        raise ValidationFailed("代表提出的建议须有领衔代表。")
    if source == SuggestionSource.CLUE and clue_id is None:
        raise ValidationFailed("由线索形成的建议须注明线索。")
    if source == SuggestionSource.ORDER and order is None:
        raise ValidationFailed("由工单转来的建议须注明工单。")
    if getattr(actor, "role", "") == Role.DEPUTY and (
        lead_deputy is None or actor.deputy_id != lead_deputy.pk
    ):
        raise ValidationFailed("代表只能以本人为领衔代表提出建议。")
    cosigners = _clean_deputies(lead_deputy, cosigners)
    suggestion = Suggestion.objects.create(
        title=title,
        content=content,
        source=source,
        order=order,
        clue_id=clue_id,
        lead_deputy=lead_deputy,
        escalated_by=actor,
        escalated_at=clock.now(),
        note=(note or "").strip(),
    )
    if cosigners:
        suggestion.cosigners.set(cosigners)
    event = record(
        suggestion,
        SuggestionEventKind.CREATED,
        actor=actor,
        at=suggestion.escalated_at,
        data={
            "source": source,
            "lead_deputy": lead_deputy.pk if lead_deputy else None,
            "cosigners": [d.pk for d in cosigners],
            "clue_id": clue_id,
        },
    )
    tell(event)
    return suggestion


@transaction.atomic
def suggestion_escalate(*, order: WorkOrder, note: str, actor) -> Suggestion:
    """转闭会期间代表建议, in one transaction:

    1. the order closes as escalated (``order_escalate``: an open order, or one not accepted;
       its live department parts end) and its event tells the deputy by SMS
       (``order_escalated``, minyi/notify/rules.py);
    2. the suggestion is recorded in the liaison committee's queue, 待处理, with the order's
       title and content, the order's deputy (if any) as the lead deputy.
    """
    if actor is None:
        raise ValidationFailed("转为代表建议须记录转办人。")
    order = order_escalate(order=order, note=note, actor=actor)
    event = order.events.filter(kind=EventKind.ESCALATED).latest("id")
    lead = order.deputy if order.deputy_id and order.deputy.is_active else None
    suggestion = Suggestion.objects.create(
        title=(order.title or "")[:TITLE_MAX],
        content=order.content,
        source=SuggestionSource.ORDER,
        order=order,
        from_status=event.from_status,
        lead_deputy=lead,
        escalated_by=actor,
        escalated_at=event.at,
        note=event.note,
    )
    record(
        suggestion,
        SuggestionEventKind.ESCALATED,
        actor=actor,
        at=event.at,
        note=event.note,
        data={"order": order.number, "lead_deputy": lead.pk if lead else None},
    )
    return suggestion


@transaction.atomic
def suggestion_resubmit(*, suggestion: Suggestion, title: str, content: str, actor) -> Suggestion:
    """The lead deputy sends a returned suggestion back to the committee, amended."""
    suggestion = locked(suggestion)
    if suggestion.lead_deputy_id is None or getattr(actor, "deputy_id", None) != (
        suggestion.lead_deputy_id
    ):
        raise ValidationFailed("只有领衔代表可以修改并重新提交建议。")
    require_status(suggestion, SuggestionStatus.RETURNED, doing="重新提交")
    suggestion.title, suggestion.content = _clean_text(title, content)
    tell(
        move(
            suggestion,
            SuggestionStatus.PENDING,
            SuggestionEventKind.RESUBMITTED,
            actor=actor,
            fields=["title", "content"],
        )
    )
    return suggestion
