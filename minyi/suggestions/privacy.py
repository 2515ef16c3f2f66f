"""Who may read what of a suggestion. A suggestion from an escalated order carries the order's
title and content, so it is cut by the order's privacy rule (``rules.requester_shown``), and
its people — the lead deputy, the co-signers, a deputy who acted on it — with it:

- the hotline, and the order's own deputy: the order's rule as it is (``requester_shown``);
- the liaison officer and a department's handler: the order's rule (a department never reads
  a whistle-blower or an anonymous requester), every text as a list shows it (``listed``:
  typed phone numbers masked);
- anyone else — a deputy the committee made lead deputy or a co-signer, nobody (an SMS) —
  reads the order from outside: a whistle-blower's (``protect_identity``) or an anonymous
  requester withheld, every text as a list shows it.

Where the requester is withheld, so is every deputy on the suggestion (the reporting deputy
may lead it; any deputy named beside a report narrows the reporter down): the lead deputy,
the co-signers and a deputy's name on an event read ``举报人信息保密`` (``信息保密`` for an
anonymous requester), except the reader's own name, and for the liaison officer (who names
the lead deputy) every deputy but the order's own. A deputy's or a clue's suggestion names no
requester: the text and the people are shown as written."""

from __future__ import annotations

from minyi.accounts.models import HOTLINE_ROLES, Role, role_of
from minyi.core.masking import PHONE_IN_TEXT, mask_phone
from minyi.privacy import rules

# the readers who read the order's rule as it is, texts cut by ``listed`` beside it
_ON_THE_RULE = frozenset({Role.LIAISON, Role.HANDLER})


class _Open:
    """A suggestion that names no requester."""

    withheld = False
    protected = False
    label = ""
    deputy = ""

    def redact(self, text: str) -> str:
        return text

    def redact_from(self, text: str, author) -> str:
        return text

    def listed(self, text: str) -> str:
        return text

    def deputy_name(self, deputy) -> str:
        return deputy.name if deputy is not None else ""

    def actor_name(self, user) -> str:
        return _full_name(user)


class _Cut:
    """An order's ``Person`` as a suggestion's reader reads it: texts through ``listed`` (the
    reader's own text, and a department's for its handlers, as typed), deputies withheld with
    the requester."""

    def __init__(self, person: rules.Person, user, order, *, label="", protected=None, masks=True):
        self._person = person
        self._masks = masks
        self._user_pk = getattr(user, "pk", None) if role_of(user) else None
        self._deputy_id = getattr(user, "deputy_id", None) if role_of(user) else None
        self._department_id = (
            getattr(user, "department_id", None) if role_of(user) == Role.HANDLER else None
        )
        self.label = label or person.label
        self.protected = person.protected if protected is None else protected
        # the committee names the lead deputy: of the deputies it reads all but the order's own
        self._reads_chosen = role_of(user) == Role.LIAISON
        self._order_deputy_id = order.deputy_id

    def __getattr__(self, name):  # shown, name, phone, deputy, protected, anonymous, channel …
        return getattr(self._person, name)

    def redact(self, text: str) -> str:
        return self._person.listed(text) if self._masks else self._person.redact(text)

    listed = redact

    def redact_from(self, text: str, author) -> str:
        if self._wrote(author):
            return text
        text = self._person.redact_from(text, author)
        if not self._masks or not text or not isinstance(text, str):
            return text
        return PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group()), text)

    def _wrote(self, author) -> bool:
        if author is None or self._user_pk is None:
            return False
        if author.pk == self._user_pk:
            return True
        return (
            self._department_id is not None
            and getattr(author, "role", "") == Role.HANDLER
            and getattr(author, "department_id", None) == self._department_id
        )

    @property
    def _hides_deputies(self) -> bool:
        return self._person.withheld

    @property
    def _deputy_label(self) -> str:
        return rules.WHISTLEBLOWER_LABEL if self.protected else rules.WITHHELD_LABEL

    def deputy_name(self, deputy) -> str:
        """A deputy on the suggestion (lead, co-signer) as this reader may read them."""
        if deputy is None:
            return ""
        return deputy.name if self._reads_deputy(deputy.pk) else self._deputy_label

    def _reads_deputy(self, deputy_id) -> bool:
        if not self._hides_deputies or (deputy_id and deputy_id == self._deputy_id):
            return True
        return self._reads_chosen and bool(deputy_id) and deputy_id != self._order_deputy_id

    def actor_name(self, user) -> str:
        """Who acted (an event's actor): a deputy's account withheld with the requester."""
        if user is None:
            return ""
        is_deputy = getattr(user, "role", "") == Role.DEPUTY or getattr(user, "deputy_id", None)
        if is_deputy and user.pk != self._user_pk and not self._reads_deputy(user.deputy_id):
            return self._deputy_label
        return _full_name(user)


def _full_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def person(user, suggestion):
    """What ``user`` (None: nobody, the strictest, for an SMS) may read of the requester and
    the deputies of ``suggestion``: an object with ``label``, ``withheld``, ``redact``,
    ``redact_from``, ``listed``, ``deputy_name`` and ``actor_name``."""
    if not suggestion.order_id:
        return _Open()
    order, role = suggestion.order, role_of(user)
    if role in HOTLINE_ROLES:
        return _Cut(rules.requester_shown(user, order), user, order, masks=False)
    if role == Role.DEPUTY and order.deputy_id and user.deputy_id == order.deputy_id:
        return _Cut(rules.requester_shown(user, order), user, order, masks=False)
    if role in _ON_THE_RULE:
        return _Cut(rules.requester_shown(user, order), user, order)
    if order.protect_identity or order.is_anonymous:
        # from outside the order's reach: withheld as nobody reads it, the reader's own text
        # as typed
        protected = bool(order.protect_identity)
        label = rules.WHISTLEBLOWER_LABEL if protected else rules.ANONYMOUS_LABEL
        return _Cut(
            rules.requester_shown(None, order), user, order, label=label, protected=protected
        )
    return _Cut(rules.requester_shown(user, order), user, order)


def shown_title(user, suggestion) -> str:
    return person(user, suggestion).redact(suggestion.title)
