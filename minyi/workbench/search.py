"""Finding an order (查询工单): by its number, by words of its title, and — for the hotline's
roles, each search logged — by the requester's phone.

Every search runs inside ``orders_visible_to(user)`` and the privacy rule, so it finds nothing
a list would not show the same user:

- a number finds the order when the user may see it (the page then opens it);
- words match the title *as this user is shown it* (``Person.redact``): a department searching
  a whistle-blower's name does not find the report whose title the hotline wrote it into, which
  would tell them who reported. The database narrows to the newest ``CANDIDATES`` titles that
  contain every word, the rule then drops what the user's reading of the title does not
  contain;
- a phone finds only orders whose requester the user is shown (``identity_visible_q``), after
  the search is logged like a full view (``privacy.services.phone_searched``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import QuerySet

from minyi.orders.models import WorkOrder
from minyi.orders.selectors import orders_visible_to
from minyi.privacy import rules
from minyi.workbench.list_selectors import rows_prepare

RESULTS = 50
CANDIDATES = 200
MAX_WORDS = 5
_NUMBER = re.compile(r"(?:(?P<prefix>[0-9A-Za-z]+)-)?(?P<day>[0-9]{8})-(?P<seq>[0-9]{6})")


def order_number_in(text: str) -> str | None:
    """The full order number ``text`` names (the prefix may be left off), or None."""
    match = _NUMBER.fullmatch(text.strip())
    if not match:
        return None
    prefix = match["prefix"] or settings.MINYI["ORDER_NUMBER_PREFIX"]
    return f"{prefix}-{match['day']}-{match['seq']}"


def _newest(orders: QuerySet[WorkOrder], limit: int) -> QuerySet[WorkOrder]:
    return orders.select_related("request_type", "deputy").order_by("-created_at", "-pk")[:limit]


def _shown(user, orders: QuerySet[WorkOrder]) -> list[WorkOrder]:
    rows = list(orders)
    for order in rows:  # the list row's deadline column
        order.shown_due = order.next_due
    return rows_prepare(rows, user)


def by_number(user, number: str) -> WorkOrder | None:
    return orders_visible_to(user).filter(number=number).first()


def words_of(text: str) -> list[str]:
    return text.split()[:MAX_WORDS]


def by_words(user, words: list[str]) -> list[WorkOrder]:
    orders = orders_visible_to(user)
    for word in words:
        orders = orders.filter(title__icontains=word)
    candidates = _shown(user, _newest(orders, CANDIDATES))
    found = [
        order
        for order in candidates
        if all(word.casefold() in order.shown_title.casefold() for word in words)
    ]
    return found[:RESULTS]


def by_phone(user, phone_e164: str) -> list[WorkOrder]:
    """Call only after ``privacy.services.phone_searched`` has logged the search."""
    if not rules.may_search_by_phone(user):
        return []
    orders = orders_visible_to(user).filter(rules.identity_visible_q(user))
    return _shown(user, _newest(orders.filter(requester_phone=phone_e164), RESULTS))
