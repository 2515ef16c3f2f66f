"""The ledger's rows for one user and one filter (the page, the exports and the ``ledger``
command read the same queryset), keyset paging over them, and what a row shows of its people.

Every condition is on ``LedgerRow``'s own columns (indexed ``created_at``, ``channel``,
``lead_department``, ``deputy``) but two that read the privacy rule's inputs on the order
(``is_anonymous``, ``protect_identity``): a filter that reads a person (the deputy's name,
level or congress) or the channel answers only among the rows whose person the user is shown,
as ``minyi.workbench.list_selectors.filters_apply`` does for the order lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.db.models import (
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)

from minyi.accounts.models import role_of
from minyi.core import clock, rowvalues
from minyi.ledger import stats
from minyi.ledger.filters import channels_of
from minyi.ledger.models import LedgerRow
from minyi.orders.models import Assignment, Warning, WorkOrder
from minyi.orders.selectors import SEES_ALL
from minyi.privacy import rules
from minyi.workbench.list_selectors import (
    SCAN_LAG,
    BadCursor,
    Page,
    decode_cursor,
    detail_url,
    encode_cursor,
)
from minyi.workdays.calendar import day_start

PAGE_SIZE = 50
# the most orders in one warning the 预警 filter reads by id (under SQLite's 32,766 parameters)
WARNED_BY_ID = 20_000
SORT_KEY = "created_at_unindexed"
CURSOR_KEY = "ledger"
RELATED = (
    "order__deputy",
    "deputy",
    "category__parent",
    "region",
    "lead_department",
    "request_type",
)


def timeliness_q(value: str, now: datetime) -> Q:
    """``overdue``: the statistics' 超期 (went red, replied late, or past its limit unreplied);
    ``on_time``: a dispatched order of the evaluation pool that is none of these."""
    conditions = stats.count_filters(now)
    if value == "overdue":
        return conditions["overdue"]
    return conditions["dispatched"] & ~conditions["overdue"]


def ledger_rows(user, data: dict, *, now: datetime | None = None) -> QuerySet[LedgerRow]:
    """The ledger rows ``user`` may read, narrowed by the cleaned filter ``data``
    (``minyi.ledger.filters.LedgerFilterForm``), unordered. Fails closed: only the roles that
    see every order read the ledger."""
    from minyi.deputies.models import Mandate

    now = now or clock.now()
    rows = LedgerRow.objects.all()
    if role_of(user) not in SEES_ALL:
        return rows.none()
    if data.get("month"):
        period = stats.Period.month(data["month"])
        rows = rows.filter(created_at__gte=period.since, created_at__lt=period.until)
    if data.get("date_from"):
        rows = rows.filter(created_at__gte=day_start(data["date_from"]))
    if data.get("date_to"):
        rows = rows.filter(created_at__lt=day_start(data["date_to"] + timedelta(days=1)))
    channels = channels_of(data)
    if channels is not None:
        rows = rows.filter(stats.order_q(rules.channel_visible_q(user)), channel__in=channels)
    if data.get("deputy") or data.get("level") or data.get("congress"):
        rows = rows.filter(stats.order_q(rules.identity_visible_q(user)), deputy__isnull=False)
    if data.get("deputy"):
        from minyi.deputies.models import Deputy

        named = Deputy.objects.filter(name__contains=data["deputy"]).values("pk")
        rows = rows.filter(deputy_id__in=named)
    if data.get("level"):
        # the deputy's highest level when the order was made, as the statistics count it
        rows = rows.filter(deputy_level=data["level"])
    if data.get("congress"):
        seated = Mandate.objects.active().filter(congress=data["congress"]).values("deputy_id")
        rows = rows.filter(deputy_id__in=seated)
    if data.get("department"):
        parts = Assignment.objects.filter(department=data["department"]).values("order_id")
        rows = rows.filter(Q(lead_department=data["department"]) | Q(order_id__in=parts))
    for name in ("region", "category", "request_type", "status"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    if data.get("timeliness"):
        rows = rows.filter(timeliness_q(data["timeliness"], now))
    if data.get("warning"):
        rows = _in_warning(rows, data["warning"], now)
    if data.get("figure"):
        condition = stats.count_filters(now)[data["figure"]]
        if condition is not None:
            rows = rows.filter(condition)
    return rows


def _in_warning(rows: QuerySet[LedgerRow], warning: str, now: datetime) -> QuerySet[LedgerRow]:
    """The rows of the orders in ``warning`` now. Those orders are found first, by their
    deadline indexes (``warning`` itself has no index); a few thousand of them (the usual case)
    are read by their ids and sorted on a key no index offers: as a join, PostgreSQL walked the
    ledger's date index through every row looking for them (7 s at 1,000,000 orders when they
    were the oldest, bench/lists.py). Very many stay a join: the walk then finds a page soon."""
    warned = WorkOrder.objects.filter(warning=warning)
    if warning == Warning.RED:
        warned = warned.filter(next_due__lt=now)
    elif warning == Warning.YELLOW:
        warned = warned.filter(next_due__gte=now - SCAN_LAG, warn_at__lte=now)
    ids = list(warned.values_list("id", flat=True)[: WARNED_BY_ID + 1])
    if len(ids) > WARNED_BY_ID:
        return rows.filter(order_id__in=warned.values("id"))
    sort_key = ExpressionWrapper(F("created_at") + Value(timedelta(0)), DateTimeField())
    return rows.filter(order_id__in=ids).annotate(**{SORT_KEY: sort_key})


def ordered(rows: QuerySet[LedgerRow]) -> QuerySet[LedgerRow]:
    """Newest first on the ``ledger_created`` index (or on the same time without it, when
    ``_in_warning`` has narrowed the rows to a few orders), the rows' related names joined."""
    newest = f"-{SORT_KEY}" if SORT_KEY in rows.query.annotations else "-created_at"
    return rows.select_related(*RELATED).order_by(newest, "-order_id")


def page(rows: QuerySet[LedgerRow], cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """One page by keyset (created_at desc, order id desc): the 800th page costs the first's."""
    if cursor:
        after, pk = decode_cursor(cursor, CURSOR_KEY)
        if after is None:
            raise BadCursor(cursor)
        rows = rows.filter(rowvalues.before(("created_at", "order_id"), (after, pk)))
    found = list(ordered(rows)[: size + 1])
    if len(found) <= size:
        return Page(found)
    found = found[:size]
    return Page(found, encode_cursor(CURSOR_KEY, found[-1].created_at, found[-1].order_id))


def rows_prepare(rows: list[LedgerRow], user) -> list[LedgerRow]:
    """What each row shows of its people is the privacy rule's answer (``row.person``), and its
    summary (the order's title) passes through it (``row.shown_title``), as the order lists do
    (``minyi.workbench.list_selectors.rows_prepare``)."""
    for row in rows:
        row.person = rules.requester_shown(user, row.order)
    # the deputy's numbers, which the rule cuts out of a withheld row's title: one query for
    # the rows, none when nothing is withheld
    withheld = [row.order for row in rows if row.person.withheld and row.order.deputy_id]
    prefetch_related_objects(withheld, "deputy__phones")
    for row in rows:
        row.shown_title = row.person.listed(row.order.title)
        row.link = detail_url(row.order.number)
    return rows


def stream(rows: QuerySet[LedgerRow], user, *, chunk_size: int) -> Iterator[LedgerRow]:
    """Every row of ``rows`` (ordered, joined), prepared for ``user``, ``chunk_size`` at a time:
    a server-side cursor on PostgreSQL, never the whole result in memory."""
    chunk: list[LedgerRow] = []
    for row in ordered(rows).iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield from _drain(chunk, user)
    yield from _drain(chunk, user)


def _drain(chunk: list[LedgerRow], user) -> Iterable[LedgerRow]:
    rows_prepare(chunk, user)
    taken = chunk[::-1]
    chunk.clear()
    while taken:  # popped as written, so a written row is released at once
        row = taken.pop()
        yield row
        # select_related caches the row on its order too (the one-to-one's reverse side): a
        # cycle, which only the cyclic collector frees, late, once whole chunks have piled up
        # in its oldest generation. Cut, the row goes as soon as it is written.
        row.order._state.fields_cache.pop("ledger_row", None)
