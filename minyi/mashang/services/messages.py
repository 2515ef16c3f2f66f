"""选民留言: creating a message and recording each change of it (DESIGN §7: one event row per
change). The actions on a message (answer, hand over, forward to 12345, close) are in
``handling``; abuse, reminders and retention in their own modules."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.db import transaction

from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.deputies.models import LEVEL_RANK, Deputy, LiaisonStation, Mandate
from minyi.mashang.models import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    Message,
    MessageEvent,
)


def new_tracking_code() -> str:
    """A fresh tracking code (查询码): 10 upper-case letters and digits, none read for another."""
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
        if not Message.objects.filter(tracking_code=code).exists():
            return code


def content_digest(content: str) -> str:
    """What makes two messages "the same text": equal after whitespace is dropped."""
    return hashlib.sha256(re.sub(r"\s+", "", content).encode()).hexdigest()


def station_of(deputy: Deputy) -> LiaisonStation | None:
    """The station a deputy's messages go to when handed over: that of their lowest-level active
    mandate that has one (the township station before the county's)."""
    mandates = Mandate.objects.active().filter(deputy=deputy, station__isnull=False)
    ranked = sorted(mandates.select_related("station"), key=lambda m: -LEVEL_RANK.get(m.level, 0))
    return ranked[0].station if ranked else None


def lock_message(message: Message) -> Message:
    return Message.objects.select_for_update().get(pk=message.pk)


def require_status(message: Message, allowed, action: str) -> None:
    if message.status not in allowed:
        raise InvalidTransition(
            f"留言当前状态为「{message.get_status_display()}」，不能{action}。",
        )


def message_record(
    message: Message,
    kind: str,
    *,
    actor=None,
    text: str = "",
    from_status: str = "",
    at=None,
    **details,
) -> MessageEvent:
    """The event row of a change to ``message`` (already saved with its new status and holder)."""
    return MessageEvent.objects.create(
        message=message,
        kind=kind,
        at=at or clock.now(),
        actor=actor,
        from_status=from_status,
        to_status=message.status,
        holder=message.holder,
        text=text,
        details=details,
    )


@transaction.atomic
def message_transition(
    message: Message, kind: str, *, actor=None, text: str = "", details=None, **changes
):
    """Change ``message`` (``changes``: status, holder, answer, …) and record the event (with
    ``details``, a dict, in its data)."""
    before = message.status
    now = clock.now()
    for field, value in changes.items():
        setattr(message, field, value)
    message.updated_at = now
    message.save(update_fields=[*changes, "updated_at"])
    return message_record(
        message, kind, actor=actor, text=text, from_status=before, at=now, **(details or {})
    )
