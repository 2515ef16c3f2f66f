"""A message's one timeline, as the viewer may see it: the message's own events and, when it was
forwarded to 12345 and the viewer may see that order, the order's events as the order page's
presenter gives them (``workbench.presenters.timeline``: the privacy rule applied), in time order.
"""

from __future__ import annotations

from dataclasses import replace

from minyi.mashang.models import MessageEventKind, MessageStatus
from minyi.workbench.presenters import TimelineRow

ORDER_PREFIX = "12345工单："
# The details of a message event worth a line, in the order shown.
DETAIL_LABELS = {
    "order": "工单",
    "master": "并入工单",
    "request_type": "诉求类型",
    "station_name": "联络站",
    "reason": "不予受理理由",
    "solved": "解决情况",
}


def _status(value: str) -> str:
    return MessageStatus(value).label if value in MessageStatus.values else value


def _actor(event) -> str:
    if event.actor is None:
        return (
            "群众"
            if event.kind
            in (MessageEventKind.CREATED, MessageEventKind.REPEATED, MessageEventKind.RATED)
            else "系统"
        )
    return event.actor.get_full_name() or event.actor.username


def message_rows(message) -> list[TimelineRow]:
    rows = []
    for event in message.events.select_related("actor"):
        moved = event.from_status and event.from_status != event.to_status
        details = event.details or {}
        rows.append(
            TimelineRow(
                at=event.at,
                kind=f"message-{event.kind}",
                label=MessageEventKind(event.kind).label
                if event.kind in MessageEventKind.values
                else event.kind,
                actor=_actor(event),
                department="",
                from_status=_status(event.from_status) if moved else "",
                to_status=_status(event.to_status) if moved else "",
                note="" if message.scrubbed_at else event.text,
                data=[
                    (label, str(details[key]))
                    for key, label in DETAIL_LABELS.items()
                    if details.get(key) not in (None, "")
                ],
            )
        )
    return rows


def visible_order(user, message):
    """The order the message was forwarded as, when ``user`` may see it (else None)."""
    from minyi.orders.selectors import orders_visible_to

    if not message.order_id:
        return None
    return orders_visible_to(user).filter(pk=message.order_id).select_related("deputy").first()


def message_timeline(user, message, order=None) -> list[TimelineRow]:
    """The message's events and the visible order's, oldest first."""
    rows = message_rows(message)
    if order is not None:
        from minyi.orders.selectors import links_hidden
        from minyi.privacy.rules import requester_shown
        from minyi.workbench.presenters import timeline

        person = requester_shown(user, order)
        for row in timeline(order, person, links_hidden(user, order)):
            rows.append(replace(row, label=f"{ORDER_PREFIX}{row.label}"))
    return sorted(rows, key=lambda row: row.at)
