"""The one door to an intersession deputy suggestion: ``suggestion_escalate``."""

from __future__ import annotations

from django.db import transaction

from minyi.core.errors import ValidationFailed
from minyi.orders.models import EventKind, WorkOrder
from minyi.orders.services.closing import order_escalate
from minyi.suggestions.models import Suggestion


@transaction.atomic
def suggestion_escalate(*, order: WorkOrder, note: str, actor) -> Suggestion:
    """转闭会期间代表建议, in one transaction:

    1. the order closes as escalated (``order_escalate``: an open order, or one not accepted;
       its live department parts end) and its event tells the deputy by SMS
       (``order_escalated``, minyi/notify/rules.py);
    2. the suggestion is recorded in the liaison committee's queue, 待处理.
    """
    if actor is None:
        raise ValidationFailed("转为代表建议须记录转办人。")
    order = order_escalate(order=order, note=note, actor=actor)
    event = order.events.filter(kind=EventKind.ESCALATED).latest("id")
    return Suggestion.objects.create(
        order=order,
        from_status=event.from_status,
        escalated_by=actor,
        escalated_at=event.at,
        note=event.note,
    )
