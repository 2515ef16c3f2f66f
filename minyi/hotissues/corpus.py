"""What a hot-issues selection groups (selectors: they read only).

The orders are the ledger rows of the selection (``minyi.ledger.stats.rows_selected``: every
channel unless the channel filter narrows it), the 码上找代表 messages those of the period that
were not forwarded to 12345 (a forwarded message is its order already) nor closed as abusive.
Messages carry no region, department, category or deputy level of an order: a selection that
narrows by one of them groups orders only. Who may read messages: the liaison officer
(``minyi.mashang.privacy``); the dispatcher's topics are the orders'.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, QuerySet

from minyi.accounts.models import Role, role_of
from minyi.core import timefmt
from minyi.core.masking import PHONE_IN_TEXT
from minyi.ledger import stats
from minyi.ledger.models import LedgerRow
from minyi.mashang.models import Message
from minyi.orders.models import Channel, Status

# a text longer than this is cut before grouping: the opening says what the matter is, and a
# pasted document must not slow the grouping of a month
TEXT_LIMIT = 1000

# the roles that read hot issues, and whether their topics include the messages
AUDIENCES = {Role.LIAISON: True, Role.DISPATCHER: False}


@dataclass(frozen=True)
class Viewer:
    """The role a run is computed for. The rules the selection reads (``identity_visible_q``)
    decide by the role alone, so a background task reads the same rows the page's user would."""

    role: str
    pk: None = None
    is_authenticated: bool = True
    is_active: bool = True
    department_id: None = None


def audience_of(user) -> str | None:
    """The role whose topics ``user`` reads, or None: not a reader (fail closed)."""
    role = role_of(user)
    return role if role in AUDIENCES else None


@dataclass(frozen=True)
class Item:
    kind: str  # "o" an order, "m" a message
    pk: int
    text: str


def previous_of(selection: stats.Selection) -> stats.Selection:
    """The same selection over the previous period: the month before a calendar month, the
    period of the same length just before any other."""
    if selection.month is not None:
        return selection.with_period(selection.period.previous_month(), month=True)
    return selection.with_period(previous_period(selection.period))


def previous_period(period: stats.Period) -> stats.Period:
    """The period of the same length just before ``period``."""
    days = (period.end - period.start).days + 1
    return stats.Period(period.start - timedelta(days=days), period.start - timedelta(days=1))


def order_rows(selection: stats.Selection, role: str) -> QuerySet[LedgerRow]:
    """The selection's orders but the duplicates merged into a master (已合并): one matter is
    counted once, by its master, as the statistics count it."""
    return stats.rows_selected(selection, Viewer(role)).exclude(status=Status.MERGED)


def messages_of(selection: stats.Selection, role: str) -> QuerySet[Message]:
    none = Message.objects.none()
    if not AUDIENCES.get(role):
        return none
    if selection.region or selection.department or selection.category or selection.level:
        return none
    channels = selection.channels
    if channels is not None and Channel.QR_MESSAGE not in channels:
        return none
    period = selection.period
    return Message.objects.filter(
        created_at__gte=period.since,
        created_at__lt=period.until,
        order__isnull=True,
        flagged=False,
    )


def key_of(selection: stats.Selection, role: str) -> str:
    """The selection's key: its period, its filters and the audience."""
    period = selection.period
    params = {
        "start": timefmt.day_text(period.start),
        "end": timefmt.day_text(period.end),
        "filters": selection.params(),
        "role": role,
    }
    text = json.dumps(params, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def version_of(selection: stats.Selection, role: str) -> str:
    """The data version of the selection and its previous period: how many rows, and the last
    event folded into them (four aggregate queries on indexed ranges)."""
    parts = []
    for chosen in (selection, previous_of(selection)):
        rows = order_rows(chosen, role).aggregate(n=Count("pk"), last=Max("last_event_id"))
        messages = messages_of(chosen, role).aggregate(n=Count("pk"), last=Max("updated_at"))
        last = timefmt.iso(messages["last"]) if messages["last"] else ""
        parts.append(f"{rows['n']}:{rows['last'] or 0}:{messages['n']}:{last}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cut(text: str, names: tuple[str, ...] = ()) -> str:
    """The text as it is grouped: without the names and numbers of the people in it (the key
    terms are read off these texts and shown beside the topic), cut to ``TEXT_LIMIT``."""
    text = " ".join((text or "").split())[: TEXT_LIMIT * 2]
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(name, " ")
    return PHONE_IN_TEXT.sub(" ", text)[:TEXT_LIMIT]


def items_of(selection: stats.Selection, role: str) -> list[Item]:
    """The texts of the selection, orders first (oldest first, a stable order)."""
    orders = (
        order_rows(selection, role)
        .order_by("created_at", "order_id")
        .values_list(
            "order_id", "order__title", "order__content", "order__requester_name", "deputy__name"
        )
    )
    out = [
        Item("o", pk, _cut(f"{title}。{content}", (requester, deputy)))
        for pk, title, content, requester, deputy in orders.iterator()
    ]
    messages = messages_of(selection, role).order_by("created_at", "pk")
    out += [
        Item("m", pk, _cut(text, (name, deputy)))
        for pk, text, name, deputy in messages.values_list("pk", "content", "name", "deputy__name")
    ]
    return out
