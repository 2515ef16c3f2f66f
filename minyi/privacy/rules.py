"""The one rule that decides what of a person a user may see (DESIGN §9).

Every surface — pages, lists, every API response, the admin, exports, SMS and notices — asks
``requester_shown(user, order)`` and prints what it returns. The rule fails closed: a missing
user, an anonymous visitor, an inactive account or a role it does not know gets nothing.

What a role sees of the requester (and of the deputy, who may be the requester):

| who                                         | sees                       | may reveal (logged)   |
| ------------------------------------------- | -------------------------- | --------------------- |
| nobody / anonymous / inactive / no role     | withheld                   | no                    |
| security administrator                      | withheld (not their work)  | no                    |
| department handler, on a 举报 order          | withheld, the deputy too   | no                    |
| anyone outside the hotline, anonymous order | withheld ("匿名")           | no                    |
| dispatcher, callback agent                  | masked                     | yes                   |
| operator                                    | masked                     | the orders they recorded |
| system administrator (admin site only)      | masked                     | yes                   |
| department handler                          | masked                     | while the order is open and their part live or replied |
| liaison officer, audit administrator, deputy| masked                     | no                    |

The full view exists only through ``minyi.privacy.services.requester_reveal``, which writes
the access-log row in the same step: no code can show a full name or number unlogged.

Withheld means withheld in free text too: a dispatcher's note "谭萍代表来电反映", a title, a file
name. ``Person.redact(text)`` cuts every spelling of the withheld requester's name and number,
and of the deputy's name and numbers, out of any text; the detail page, the API and the
notices to departments pass what they show through it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from minyi.accounts.models import HOTLINE_ROLES, Role, role_of
from minyi.core.masking import mask_name, mask_phone, phone_spellings


class Shown(StrEnum):
    FULL = "full"
    MASKED = "masked"
    WITHHELD = "withheld"


WHISTLEBLOWER_LABEL = "举报人信息保密"
ANONYMOUS_LABEL = "匿名"
WITHHELD_LABEL = "信息保密"
REDACTED = "〔保密〕"

# Roles the rule knows; any other value of ``user.role`` sees nothing.
_MASKED_ROLES = frozenset(
    {
        Role.OPERATOR,
        Role.DISPATCHER,
        Role.CALLBACK,
        Role.HANDLER,
        Role.DEPUTY,
        Role.LIAISON,
        Role.ADMIN,
        Role.AUDIT,
    }
)
# Inside the hotline an anonymous requester's details stay readable (masked, logged reveal):
# the hotline is who they trusted with them.
_SEES_ANONYMOUS = HOTLINE_ROLES | {Role.ADMIN}


@dataclass(frozen=True)
class Person:
    """What one user may see of one order's requester. Print ``label``; the rest is detail."""

    shown: Shown
    label: str  # the one line for lists and headings: masked name, 匿名, 举报人信息保密 …
    name: str  # masked or full; "" when withheld
    phone: str  # masked or full (without +86); "" when withheld or none
    deputy: str  # the deputy's name; "" when withheld or the order has none
    protected: bool  # a whistle-blower withheld from this user
    anonymous: bool
    # every spelling of the withheld identity, built on first use (only when withheld; it
    # reads the deputy's numbers); never printed
    _identity: Callable[[], re.Pattern | None] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def withheld(self) -> bool:
        return self.shown == Shown.WITHHELD

    def redact(self, text: str) -> str:
        """``text`` as this viewer may read it: when the person is withheld, each spelling of
        their name or number (and of the deputy's) becomes 〔保密〕; otherwise unchanged."""
        if not text or self._identity is None or not isinstance(text, str):
            return text
        pattern = self._identity()
        return pattern.sub(REDACTED, text) if pattern else text

    def as_dict(self) -> dict:
        """The API's shape (one place, so every response spells it the same)."""
        return {
            "shown": str(self.shown),
            "label": self.label,
            "name": self.name,
            "phone": self.phone,
            "deputy": self.deputy or None,
        }


def _withheld(order, label: str, *, protected: bool = False) -> Person:
    return Person(
        Shown.WITHHELD,
        label,
        "",
        "",
        "",
        protected,
        bool(order.is_anonymous),
        functools.cache(functools.partial(_identity_pattern, order)),
    )


def _identity_pattern(order) -> re.Pattern | None:
    """The requester's name and number and the deputy's name and numbers, as one pattern.
    Names of one character are left out: they would cut every other word."""
    names = [order.requester_name.strip()]
    numbers = [order.requester_phone]
    if order.deputy_id:
        names.append(order.deputy.name.strip())
        numbers += [phone.number for phone in order.deputy.phones.all()]
    parts = [re.escape(name) for name in dict.fromkeys(names) if len(name) >= 2]
    parts += [p for p in dict.fromkeys(phone_spellings(n) for n in numbers if n) if p]
    if not parts:
        return None
    # longest first: of a name and a longer one that starts with it ("谭萍", "谭萍萍"), the
    # longer is cut whole
    return re.compile("|".join(sorted(parts, key=len, reverse=True)))


def _deputy_name(order) -> str:
    return order.deputy.name if order.deputy_id else ""


def requester_shown(user, order) -> Person:
    """The requester of ``order`` as ``user`` may see them by default: masked or withheld."""
    role = role_of(user)
    if role not in _MASKED_ROLES:
        return _withheld(order, WITHHELD_LABEL)
    if order.protect_identity and role == Role.HANDLER:
        # A department never learns who reported, whoever it is — a deputy included.
        return _withheld(order, WHISTLEBLOWER_LABEL, protected=True)
    if order.is_anonymous and role not in _SEES_ANONYMOUS:
        return _withheld(order, ANONYMOUS_LABEL)
    name = mask_name(order.requester_name)
    phone = mask_phone(order.requester_phone) if order.requester_phone else ""
    label = ANONYMOUS_LABEL if order.is_anonymous else (name or "—")
    return Person(
        Shown.MASKED, label, name, phone, _deputy_name(order), False, bool(order.is_anonymous)
    )


def requester_full(order) -> Person:
    """The full view. Only ``services.requester_reveal`` calls this, after logging it."""
    phone = order.requester_phone.removeprefix("+86") if order.requester_phone else ""
    name = order.requester_name
    label = f"{ANONYMOUS_LABEL}（{name}）" if order.is_anonymous and name else (name or "—")
    return Person(
        Shown.FULL,
        label,
        name,
        phone,
        _deputy_name(order),
        False,
        bool(order.is_anonymous),
    )


def may_reveal(user, order) -> bool:
    """Whether ``user`` may ask for the full view of ``order``'s requester (each view logged)."""
    if requester_shown(user, order).withheld:
        return False
    role = role_of(user)
    if role in (Role.DISPATCHER, Role.CALLBACK, Role.ADMIN):
        return True
    if role == Role.OPERATOR:
        return order.created_by_id == user.pk
    if role == Role.HANDLER:
        return _handler_part_live(user, order)
    return False


def _handler_part_live(user, order) -> bool:
    """A handler calls the requester while handling: the order open, their part not ended."""
    from minyi.orders.models import AssignmentStatus

    if not order.is_open or not user.department_id:
        return False
    live = (
        AssignmentStatus.PENDING,
        AssignmentStatus.SIGNED,
        AssignmentStatus.RETURN_REQUESTED,
        AssignmentStatus.REPLIED,
    )
    return order.assignments.filter(department_id=user.department_id, status__in=live).exists()
