"""A suggestion event's messages, written with the event (minyi/notify's outbox)."""

from __future__ import annotations


def tell(event) -> list[int]:
    from minyi.notify.services import outbox_write
    from minyi.notify.suggestion_rules import drafts_for_suggestion

    return outbox_write(drafts_for_suggestion(event), key=f"sev{event.pk}")
