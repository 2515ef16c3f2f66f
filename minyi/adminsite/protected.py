"""The fields the admin never shows in full by default and never filters, searches or sorts by.

- personal: a person's name or number (DESIGN §9). Shown masked; a full view is a logged
  reveal (``base.MinyiModelAdmin.reveal_view``).
- secret: a credential's digest or seed. Never shown at all.

A lookup is refused when any step of its path lands on one of these, on this model or across
relations (``?requester_phone__startswith=+86187`` or ``?order__requester_phone__regex=…``
would otherwise recover a hidden number one digit at a time).

Not listed, on purpose: staff names (they sign every action), deputies' names (a public office),
departments' and liaison stations' contact numbers (office lines, published), and the IP
addresses in the audit logs (the auditor's evidence of where an action came from).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP

PERSONAL: dict[str, frozenset[str]] = {
    "orders.workorder": frozenset({"requester_name", "requester_phone"}),
    "deputies.deputyphone": frozenset({"number", "raw"}),
    "accounts.user": frozenset({"phone", "email"}),
    "calls.calllog": frozenset({"caller", "caller_raw"}),
    "calls.callevent": frozenset({"payload"}),  # the PBX's JSON carries the caller's number
    # the idempotency key ends with the recipient: ev<event>:<template>:<number>
    "notify.outboxmessage": frozenset({"recipient_phone", "idempotency_key"}),
    # 码上找代表: the citizen (shown through minyi.mashang.privacy) and what they wrote
    "mashang.message": frozenset({"name", "phone", "content", "answer"}),
    "mashang.messageevent": frozenset({"text"}),
}

SECRET: dict[str, frozenset[str]] = {
    "accounts.user": frozenset({"password"}),
    "accounts.passwordhistory": frozenset({"password"}),
    "calls.ctitoken": frozenset({"token_hash"}),
    "otp_totp.totpdevice": frozenset({"key"}),
    "axes.accessattempt": frozenset({"post_data", "get_data"}),
    # a keyed hash of a blocked number: matched, never shown
    "mashang.blockedphone": frozenset({"phone_digest"}),
}


def label_of(model) -> str:
    # a proxy (the admin's Chinese-named LoginAttempt, say) protects what its table holds
    return model._meta.concrete_model._meta.label_lower


def protected_fields(model) -> frozenset[str]:
    label = label_of(model)
    return PERSONAL.get(label, frozenset()) | SECRET.get(label, frozenset())


def touches_protected(model, lookup: str) -> bool:
    """Whether ``lookup`` (``order__requester_phone__startswith``) reaches a protected field."""
    for part in lookup.split(LOOKUP_SEP):
        if part in protected_fields(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup name: the path ended on an allowed field
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False
