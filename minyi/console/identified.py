"""Proof that the server identified a deputy for this operator (their own ring or look-up).

The intake form shows a deputy's recent orders only beside this proof: a signed value naming
the deputy and the operator, good for one shift. A deputy id typed into a form or a URL
proves nothing, so no operator can list any deputy's orders by guessing ids.
"""

from __future__ import annotations

from django.core import signing

_SALT = "minyi.console.identified"
MAX_AGE_SECONDS = 12 * 3600  # one shift


def identified_token(user, deputy_id: int) -> str:
    return signing.dumps({"deputy": deputy_id, "user": user.pk}, salt=_SALT, compress=False)


def identified_deputy_id(user, token: str) -> int | None:
    """The deputy ``token`` proves was identified for ``user``, or None."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or value.get("user") != user.pk:
        return None
    deputy_id = value.get("deputy")
    return deputy_id if isinstance(deputy_id, int) and not isinstance(deputy_id, bool) else None
