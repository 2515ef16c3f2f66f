"""The ledger row of an order, folded from its event log (DESIGN §3: the log is the source of
every statistic).

One function says what an event changes in the row (``event_changes``); two small interpreters
apply it:

- ``row_apply`` — as each event is written (``orders.services.common.record_event``): one
  ``UPDATE`` of the order's row in the same transaction, the counters and first-times computed
  by the database (``F() + 1``, ``COALESCE``), so a service never reads the row first;
- ``rows_rebuild`` — from the log alone, for orders written without the services (a bulk load,
  rows from before the ledger) and by ``manage.py ledger_rebuild``: the same changes folded in
  Python, event by event, then saved.

A test folds every demo order both ways and compares the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from minyi.deputies.models import LEVEL_RANK
from minyi.ledger.models import LedgerRow
from minyi.orders.models import (
    AssignmentRole,
    EventKind,
    OrderEvent,
    Satisfaction,
    TrackingState,
    Warning,
    WorkOrder,
)


@dataclass(frozen=True)
class Add:
    """Add one to a counter."""


@dataclass(frozen=True)
class First:
    """Set once: the first value wins."""

    value: object


ADD = Add()

# The order's own columns the row copies at every event (its dimensions and deadlines).
COPIED = (
    "channel",
    "status",
    "created_at",
    "deputy_id",
    "request_type_id",
    "category_id",
    "region_id",
    # the order keeps these itself (a redo or a supervision clears replied_at and adds a redo)
    "replied_at",
    "closed_at",
    "redo_count",
)
# The order's deadlines, copied only while set: once a step is done or the order has left the
# departments the order clears them, and the ledger must still know the limit it had (an order
# escalated unsigned after its limit was missed stays missed).
DUES = ("sign_due", "reply_due")

_TRACKING = {
    EventKind.TRACKING_OPENED: TrackingState.HANDLING,
    EventKind.TRACKING_DONE: TrackingState.CONFIRMING,
    EventKind.TRACKING_REOPENED: TrackingState.HANDLING,
    EventKind.TRACKING_CONFIRMED: TrackingState.DONE,
}


def event_changes(kind: str, at, data: dict, *, lead: bool) -> dict[str, object]:
    """What one event changes in the ledger row: field -> value, ``ADD`` or ``First(value)``.
    ``lead`` says whether the event's department part is the lead's (主办); a sign or a reply
    of an assisting part (协办) is not the order's."""
    changes: dict[str, object] = {}
    if kind == EventKind.ACCEPTED:
        changes["accepted_at"] = First(at)
    elif kind == EventKind.DISPATCHED:
        changes["dispatched_at"] = First(at)
        if "dispatch_on_time" in data:
            changes["dispatch_on_time"] = First(bool(data["dispatch_on_time"]))
        if data.get("lead"):
            changes["lead_department_id"] = data["lead"]
        if data.get("departments"):
            names = list(data["departments"])
            text = f"主办：{names[0]}"
            if names[1:]:
                text += f"；协办：{'、'.join(names[1:])}"
            changes["departments"] = text[:500]
        for due in DUES:
            if data.get(due):
                changes[due] = _moment(data[due])
    elif kind == EventKind.SIGNED and lead:
        changes["signed_at"] = at
        if "on_time" in data:
            changes["sign_on_time"] = bool(data["on_time"])
        if data.get("reply_due"):
            changes["reply_due"] = _moment(data["reply_due"])
    elif kind == EventKind.RETURN_ACCEPTED:
        changes["returns_accepted"] = ADD
        if lead:  # the order goes back to dispatch: the next lead's sign-for is the one that counts
            changes.update(signed_at=None, sign_on_time=None, lead_department_id=None)
            changes["departments"] = ""
    elif kind == EventKind.RETURN_REFUSED:
        changes["returns_refused"] = ADD
    elif kind == EventKind.EXTENSION_APPROVED:
        changes["extensions"] = ADD
        if lead and data.get("new_due"):
            changes["reply_due"] = _moment(data["new_due"])
    elif kind == EventKind.REPLIED and lead:
        if "on_time" in data:
            changes["reply_on_time"] = bool(data["on_time"])
    elif kind in (EventKind.REDO, EventKind.SUPERVISED) and lead:
        # the lead handles again (a redo, or a supervision from callback): a new limit, and the
        # reply that counts is the next one
        changes["reply_on_time"] = None
        if data.get("reply_due"):
            changes["reply_due"] = _moment(data["reply_due"])
    elif kind == EventKind.REJECTED:
        changes["rejected"] = True
    elif kind == EventKind.CALLED_BACK:
        changes["called_back_at"] = at
        if data.get("satisfaction") and data["satisfaction"] != Satisfaction.UNREACHABLE:
            changes["callbacks"] = ADD
            changes["satisfaction"] = data["satisfaction"]
            changes["solved"] = data.get("solved")
    elif kind == EventKind.WARNING and data.get("to") == Warning.RED:
        changes["went_red"] = True
    elif kind == EventKind.TRACKING_CONFIRMED:
        changes["solved"] = True  # the requester confirmed the plan carried out
    if kind == EventKind.SUPERVISED:
        changes["supervised"] = ADD
    if kind in _TRACKING:
        changes["tracking"] = _TRACKING[kind]
    return changes


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def deputy_levels(deputy_ids: Iterable[int | None] | None) -> dict[int, tuple[str, ...]]:
    """The levels of each deputy's mandates in force, highest first (a deputy without one:
    absent); every deputy's when ``deputy_ids`` is None."""
    from minyi.deputies.models import Mandate

    mandates = Mandate.objects.active()
    if deputy_ids is not None:
        ids = {pk for pk in deputy_ids if pk is not None}
        if not ids:
            return {}
        mandates = mandates.filter(deputy_id__in=ids)
    found: dict[int, set[str]] = {}
    for deputy_id, level in mandates.values_list("deputy_id", "level"):
        found.setdefault(deputy_id, set()).add(level)
    return {pk: tuple(sorted(levels, key=LEVEL_RANK.__getitem__)) for pk, levels in found.items()}


def level_fields(levels: tuple[str, ...]) -> dict[str, str]:
    """The row's ``deputy_level`` (the highest: an order counts once, under it) and
    ``deputy_levels`` (all of them, for the ledger's column)."""
    return {"deputy_level": levels[0] if levels else "", "deputy_levels": ",".join(levels)}


def _copied(order: WorkOrder) -> dict[str, object]:
    """What the row copies of the order: its dimensions, and its deadlines while set."""
    copied = {name: getattr(order, name) for name in COPIED}
    copied.update({name: getattr(order, name) for name in DUES if getattr(order, name)})
    if order.replied_at is None:
        copied["reply_on_time"] = None  # not replied (or reopened): no reply to judge yet
    return copied


# -- as each event is written -------------------------------------------------------------


def row_apply(event: OrderEvent, order: WorkOrder) -> None:
    """``rows_apply`` for one event."""
    rows_apply([event], order)


def rows_apply(events: list[OrderEvent], order: WorkOrder) -> None:
    """Bring the order's ledger row up to ``events`` (written together by one action, oldest
    first; called by ``record_events``, inside the service's transaction) in one statement: an
    INSERT of the row folded from them when they open the log (``created``), else one UPDATE
    whose every column composes the events' changes in order. An order whose row is missing
    (loaded in bulk, or older than the ledger) gets it rebuilt from its whole log."""
    if events[0].kind == EventKind.CREATED:
        levels = deputy_levels([order.deputy_id]).get(order.deputy_id, ())
        row_fold(order, events, lead_parts=set(), levels=levels).save(force_insert=True)
        return
    update: dict[str, object] = {}
    for event in events:
        lead = event.assignment is not None and event.assignment.role == AssignmentRole.LEAD
        for name, change in event_changes(
            event.kind, event.at, event.data or {}, lead=lead
        ).items():
            before = update.get(name, F(name))
            if not hasattr(before, "resolve_expression"):  # set by an earlier event of the batch
                before = Value(before)
            if change is ADD:
                update[name] = before + 1
            elif isinstance(change, First):
                update[name] = Coalesce(before, Value(change.value))
            else:
                update[name] = change
    update["last_event_id"] = events[-1].pk
    update.update(_copied(order))  # the order's own columns win over what the events imply
    if not LedgerRow.objects.filter(order_id=order.pk).update(**update):
        rows_rebuild([order.pk])


def rows_mark_red(order_ids: Iterable[int], *, piece: int = 500) -> int:
    """The SLA scan's bulk path (its ``warning`` events are written without record_event), in
    pieces (SQLite's limit on parameters). A row already 曾超期 is left alone (no new row
    version); returns the number of rows that changed."""
    ids, marked = list(order_ids), 0
    for start in range(0, len(ids), piece):
        chunk = ids[start : start + piece]
        rows = LedgerRow.objects.filter(order_id__in=chunk, went_red=False)
        marked += rows.update(went_red=True)
    return marked


# -- from the log alone -------------------------------------------------------------------------


def row_fold(
    order: WorkOrder,
    events: Iterable[OrderEvent],
    lead_parts: set[int],
    levels: tuple[str, ...] = (),
) -> LedgerRow:
    """The ledger row of ``order`` from its events, oldest first; ``lead_parts`` are the ids of
    its lead (主办) department parts, ``levels`` its deputy's levels, highest first."""
    row = LedgerRow(order_id=order.pk, **level_fields(levels))
    for event in events:
        lead = event.assignment_id in lead_parts
        for name, change in event_changes(
            event.kind, event.at, event.data or {}, lead=lead
        ).items():
            if change is ADD:
                setattr(row, name, getattr(row, name) + 1)
            elif isinstance(change, First):
                if getattr(row, name) is None:
                    setattr(row, name, change.value)
            else:
                setattr(row, name, change)
        row.last_event_id = event.pk
    for name, value in _copied(order).items():
        setattr(row, name, value)
    return row


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rows_rebuild(order_ids: Iterable[int] | None = None, *, batch: int = 500) -> int:
    """Fold the ledger rows of these orders (every order when None) from their logs again and
    save them, ``batch`` orders per transaction. Returns the number of rows written."""
    from minyi.orders.models import Assignment

    if order_ids is None:
        ids = list(WorkOrder.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(order_ids))
    written = 0
    for piece in _batches(ids, batch):
        with transaction.atomic():
            # the orders locked first, as every service locks them: a service acting meanwhile
            # waits, and its event is folded into the row it then updates
            orders = {o.pk: o for o in WorkOrder.objects.select_for_update().filter(pk__in=piece)}
            lead_parts = set(
                Assignment.objects.filter(order_id__in=piece, role=AssignmentRole.LEAD).values_list(
                    "pk", flat=True
                )
            )
            by_order: dict[int, list[OrderEvent]] = {pk: [] for pk in piece}
            events = OrderEvent.objects.filter(order_id__in=piece).order_by("order_id", "id")
            for event in events.only("order_id", "assignment_id", "kind", "at", "data"):
                by_order[event.order_id].append(event)
            levels = deputy_levels(o.deputy_id for o in orders.values())
            rows = [
                row_fold(orders[pk], by_order[pk], lead_parts, levels.get(orders[pk].deputy_id, ()))
                for pk in piece
                if pk in orders
            ]
            LedgerRow.objects.filter(order_id__in=piece).delete()
            LedgerRow.objects.bulk_create(rows)
            written += len(rows)
    return written


def rows_missing() -> list[int]:
    """Orders without a ledger row (loaded in bulk, or older than the ledger)."""
    return list(
        WorkOrder.objects.filter(ledger_row__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
