"""The one place a call reaches the operators' screens.

``publish_ring`` runs after the webhook's transaction commits. It sends a server-sent event
to every app process (``minyi.core.fanout``; the console subscribes over SSE under ASGI): to
``operator-<user id>`` when the PBX named the agent, else to ``operators``. It must never
raise into the webhook: a console that misses a pop-up is better than a PBX that retries.
"""

from __future__ import annotations

import logging

from minyi.calls.models import CallLog
from minyi.core import timefmt
from minyi.core.masking import mask_phone

logger = logging.getLogger(__name__)

ALL_OPERATORS = "operators"


def operator_channel(user_id: int) -> str:
    return f"operator-{user_id}"


def channel_for(call_log: CallLog) -> str:
    return operator_channel(call_log.agent_id) if call_log.agent_id else ALL_OPERATORS


def ring_payload(call_log: CallLog, deputy_card) -> dict:
    """What a console is told of a ring. The number only masked: a ring with no agent reaches
    every operator, and the full number comes only through the intake form, logged."""
    return {
        "call_id": call_log.call_id,
        "status": call_log.status,
        "caller_masked": mask_phone(call_log.caller) if call_log.caller else "隐藏号码",
        "agent": call_log.agent_raw,
        "rang_at": timefmt.iso(call_log.rang_at) if call_log.rang_at else None,
        "deputy": deputy_card.as_dict() if deputy_card else None,
    }


def publish_ring(call_log: CallLog, deputy_card) -> None:
    try:
        from minyi.core.fanout import send_event

        send_event(channel_for(call_log), "ring", ring_payload(call_log, deputy_card))
    except Exception:  # the pop-up is best effort; the call log is already saved
        logger.exception("could not publish ring for call %s", call_log.call_id)
