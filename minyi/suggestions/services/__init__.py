"""The doors to an intersession deputy suggestion: one module per stage."""

from minyi.suggestions.services.deadlines import suggestion_deadline_scan
from minyi.suggestions.services.handling import suggestion_evaluate, suggestion_reply
from minyi.suggestions.services.intake import (
    suggestion_create,
    suggestion_escalate,
    suggestion_resubmit,
)
from minyi.suggestions.services.review import (
    suggestion_accept,
    suggestion_assign,
    suggestion_reject,
    suggestion_return,
)

__all__ = [
    "suggestion_accept",
    "suggestion_assign",
    "suggestion_create",
    "suggestion_deadline_scan",
    "suggestion_escalate",
    "suggestion_evaluate",
    "suggestion_reject",
    "suggestion_reply",
    "suggestion_resubmit",
    "suggestion_return",
]
