"""The doors to an intersession deputy suggestion: one module per stage."""

from minyi.suggestions.services.intake import (
    suggestion_create,
    suggestion_escalate,
    suggestion_resubmit,
)

__all__ = ["suggestion_create", "suggestion_escalate", "suggestion_resubmit"]
