"""The one rule that decides what of a person a user may see (DESIGN §9).

Every surface — pages, lists, every API response, the admin, exports, SMS and notices — asks
``requester_shown(user, order)`` and prints what it returns. The rule fails closed: a missing
user, an anonymous visitor, an inactive account or a role it does not know gets nothing.

What a role sees of the requester (and of the deputy, who may be the requester):

| who                                          | sees                                     | may reveal (logged)                                    |
| -------------------------------------------- | ---------------------------------------- | ------------------------------------------------------ |
| nobody / anonymous / inactive / no role      | withheld                                 | no                                                     |
| security administrator                       | withheld (not their work)                | no                                                     |
| department handler, on a 举报 order          | withheld, the deputy and the channel too | no                                                     |
| anyone outside the hotline, anonymous order  | withheld ("匿名")                        | no                                                     |
| dispatcher, callback agent                   | masked                                   | yes                                                    |
| operator                                     | masked                                   | the orders they recorded                               |
| system administrator (admin site only)       | masked                                   | yes                                                    |
| department handler                           | masked                                   | while the order is open and their part live or replied |
| liaison officer, audit administrator, deputy | masked                                   | no                                                     |
| station staff (联络站工作人员)               | withheld: they see no orders, only 码上找代表 messages (``minyi.mashang.privacy``) | no |

The full view exists only through ``minyi.privacy.services.requester_reveal``, which writes
the access-log row in the same step: no code can show a full name or number unlogged.

Withheld means withheld in free text too: a dispatcher's note "谭萍代表来电反映", a title, a file
name. Each text is cut where it is shown, field by field, by who wrote it:

- ``Person.redact(text)`` — the hotline's own text on the order (title, content, address,
  the basis of a rejection): every spelling of the withheld requester's name and number, and of
  the deputy's name and numbers, becomes 〔保密〕;
- ``Person.redact_from(text, author)`` — text someone wrote (a note, a reply, a request and its
  ruling, a file name): cut the same way unless the viewer or a handler of the viewer's own
  department wrote it. What a department wrote comes back as it was typed, and so does a form
  the viewer just sent: cutting a name out of one's own text would confirm a guess ("王芳 /
  谭萍" read back as "王芳 / 〔保密〕").

What else the rule withholds with a whistle-blower shown to a department: the channel (a deputy's
call narrows the reporter down to the deputies of one town: ``Person.channel`` is None and the
label a neutral 12345热线), and the link of a merge to an order whose requester the viewer is
shown (``link_shown``). A filter, search or sort that reads a person — a deputy's name, their
level — or the channel first narrows by ``identity_visible_q(user)`` / ``channel_visible_q(user)``,
the rule's counterparts for querysets, so it never answers for what the row withholds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q

from minyi.accounts.models import HOTLINE_ROLES, Role, role_of
from minyi.core.masking import PHONE_IN_TEXT, mask_name, mask_phone, phone_spellings


class Shown(StrEnum):
    FULL = "full"
    MASKED = "masked"
    WITHHELD = "withheld"


WHISTLEBLOWER_LABEL = "举报人信息保密"
ANONYMOUS_LABEL = "匿名"
WITHHELD_LABEL = "信息保密"
REDACTED = "〔保密〕"
# the channel a department reads on a report: the hotline's, whichever line it came in on
NEUTRAL_CHANNEL_LABEL = "12345热线"

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


def _withholds_reporter(role: str) -> bool:
    """A department never learns who reported, whoever it is — a deputy included."""
    return role == Role.HANDLER


def _withholds_anonymous(role: str) -> bool:
    return role not in _SEES_ANONYMOUS


@dataclass(frozen=True)
class _Viewer:
    """Whose own text stays as typed: the viewer's, and their department's (handlers only)."""

    pk: int | None = None
    department_id: int | None = None

    def wrote(self, author) -> bool:
        if author is None or self.pk is None:
            return False
        if author.pk == self.pk:
            return True
        # the author's role and department as they are now: a deactivated colleague's text stays
        # readable to the department it was written for
        return (
            self.department_id is not None
            and getattr(author, "role", "") == Role.HANDLER
            and getattr(author, "department_id", None) == self.department_id
        )


def _viewer(user) -> _Viewer:
    role = role_of(user)
    if not role:
        return _Viewer()
    department = getattr(user, "department_id", None) if role == Role.HANDLER else None
    return _Viewer(user.pk, department)


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
    channel: str | None  # the channel's code; None when withheld with the whistle-blower
    channel_label: str  # 代表来电 …, or 12345热线 when withheld
    # every spelling of the withheld identity, built on first use (only when withheld; it
    # reads the deputy's numbers); never printed
    _identity: Callable[[], re.Pattern | None] | None = field(
        default=None, repr=False, compare=False
    )
    _viewer: _Viewer = field(default=_Viewer(), repr=False, compare=False)

    @property
    def withheld(self) -> bool:
        return self.shown == Shown.WITHHELD

    def redact(self, text: str) -> str:
        """The hotline's own text on the order (title, content, address, the basis of a
        rejection) as this viewer may read it: when the person is withheld, each spelling of
        their name or number (and of the deputy's) becomes 〔保密〕; otherwise unchanged."""
        if not text or self._identity is None or not isinstance(text, str):
            return text
        pattern = self._identity()
        return pattern.sub(REDACTED, text) if pattern else text

    def listed(self, text: str) -> str:
        """``text`` as a list or a file that leaves the system shows it (the ledger, its exports,
        the monthly report): ``redact``, and unless this viewer reads the person in full, every
        phone number typed into it masked (138****5678), as the list masks the person's own."""
        text = self.redact(text)
        if not text or not isinstance(text, str) or self.shown == Shown.FULL:
            return text
        return PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group()), text)

    def redact_from(self, text: str, author) -> str:
        """``text`` written by ``author`` (a user, or None for the system) as this viewer may read
        it: as typed when the viewer or a handler of the viewer's department wrote it, cut as
        ``redact`` cuts otherwise (an unknown author included)."""
        if self._viewer.wrote(author):
            return text
        return self.redact(text)

    def as_dict(self) -> dict:
        """The API's shape (one place, so every response spells it the same)."""
        return {
            "shown": str(self.shown),
            "label": self.label,
            "name": self.name,
            "phone": self.phone,
            "deputy": self.deputy or None,
        }


def _withheld(order, label: str, viewer: _Viewer, *, protected: bool, channel: bool) -> Person:
    return Person(
        Shown.WITHHELD,
        label,
        "",
        "",
        "",
        protected,
        bool(order.is_anonymous),
        *_channel(order, shown=channel),
        functools.cache(functools.partial(_identity_pattern, order)),
        viewer,
    )


def _channel(order, *, shown: bool) -> tuple[str | None, str]:
    if not shown:
        return None, NEUTRAL_CHANNEL_LABEL
    return order.channel, order.get_channel_display()


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
    role, viewer = role_of(user), _viewer(user)
    if role not in _MASKED_ROLES:
        return _withheld(order, WITHHELD_LABEL, viewer, protected=False, channel=False)
    if order.protect_identity and _withholds_reporter(role):
        # the channel goes with the reporter: a deputy's call narrows them down to a few dozen
        return _withheld(order, WHISTLEBLOWER_LABEL, viewer, protected=True, channel=False)
    if order.is_anonymous and _withholds_anonymous(role):
        # who it is stays with the hotline; how they called does not name them
        return _withheld(order, ANONYMOUS_LABEL, viewer, protected=False, channel=True)
    name = mask_name(order.requester_name)
    phone = mask_phone(order.requester_phone) if order.requester_phone else ""
    label = ANONYMOUS_LABEL if order.is_anonymous else (name or "—")
    return Person(
        Shown.MASKED,
        label,
        name,
        phone,
        _deputy_name(order),
        False,
        bool(order.is_anonymous),
        *_channel(order, shown=True),
        _viewer=viewer,
    )


def identity_visible_q(user) -> Q:
    """The orders whose requester and deputy ``user`` is shown (masked or better):
    ``requester_shown``'s counterpart for a queryset. A filter, search or sort that reads a
    person (a deputy's name, their level) applies it first, so it never finds an order by a
    person its row withholds."""
    role = role_of(user)
    if role not in _MASKED_ROLES:
        return Q(pk__in=[])
    visible = Q()
    if _withholds_reporter(role):
        visible &= Q(protect_identity=False)
    if _withholds_anonymous(role):
        visible &= Q(is_anonymous=False)
    return visible


def channel_visible_q(user) -> Q:
    """The orders whose channel ``user`` is shown (``Person.channel`` is not None)."""
    role = role_of(user)
    if role not in _MASKED_ROLES:
        return Q(pk__in=[])
    return Q(protect_identity=False) if _withholds_reporter(role) else Q()


def link_shown(user, order, other) -> bool:
    """Whether ``user`` may see that ``order`` and ``other`` are linked (one merged into the
    other). Not when the rule withholds the requester of one and shows the other's: the link
    would put the shown name on the withheld order. Orders of two different kinds are no longer
    merged (``orders.services.closing.order_merge``); this keeps the merges made before that
    from linking them."""
    return requester_shown(user, order).withheld == requester_shown(user, other).withheld


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
        *_channel(order, shown=True),
    )


def may_search_by_phone(user) -> bool:
    """Whether ``user`` may find orders by a requester's phone (each search logged): the
    hotline's roles, who take the calls and call back. Finding an order by a number is knowing
    whose number it is."""
    return role_of(user) in HOTLINE_ROLES


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
    """A handler calls the requester while handling: the order open, their part not ended; in
    跟踪督办 only the tracking department, which carries out the plan."""
    from minyi.orders.models import AssignmentStatus, Status, Tracking

    if not order.is_open or not user.department_id:
        return False
    if order.status == Status.TRACKING:
        return Tracking.objects.filter(order=order, department_id=user.department_id).exists()
    live = (
        AssignmentStatus.PENDING,
        AssignmentStatus.SIGNED,
        AssignmentStatus.RETURN_REQUESTED,
        AssignmentStatus.REPLIED,
    )
    return order.assignments.filter(department_id=user.department_id, status__in=live).exists()
