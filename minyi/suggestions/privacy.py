"""Who may read what of a suggestion. A suggestion from an escalated order carries the order's
title and content, so it is cut by the order's privacy rule (``requester_shown``): a
whistle-blower's or an anonymous requester's name and number never reach a department, a notice
or an SMS. A deputy's or a clue's suggestion names no requester: the text is shown as written."""

from __future__ import annotations

from minyi.privacy import rules


class _Open:
    withheld = False
    label = ""

    def redact(self, text: str) -> str:
        return text

    def redact_from(self, text: str, author) -> str:
        return text

    def listed(self, text: str) -> str:
        return text


def person(user, suggestion):
    """The order's ``Person`` for ``user`` (None: the strictest, for SMS), or an open one."""
    if suggestion.order_id:
        return rules.requester_shown(user, suggestion.order)
    return _Open()


def shown_title(user, suggestion) -> str:
    return person(user, suggestion).redact(suggestion.title)
