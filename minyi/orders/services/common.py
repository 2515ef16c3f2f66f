from __future__ import annotations

from collections.abc import Iterable

from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.orders.models import (
    ASSIGNMENT_ACTIVE,
    Assignment,
    AssignmentStatus,
    EventKind,
    ExtensionRequest,
    OrderEvent,
    ReturnRequest,
    Status,
    WorkOrder,
)
from minyi.orders.services.created import created_take

# The requests a department's part can leave waiting for the dispatcher, and their name in events.
PENDING_REQUESTS = ((ExtensionRequest, "extension"), (ReturnRequest, "return"))


def lock_order(order: WorkOrder | int) -> WorkOrder:
    """Re-read the order under a row lock; every service starts here so two actions on the same
    order run one after the other (PostgreSQL; SQLite serialises writers anyway). An order this
    transaction has just created is already as locked as it can be (``created.py``): it is
    returned as it is, without a statement."""
    if isinstance(order, WorkOrder) and created_take(order):
        return order
    pk = order.pk if isinstance(order, WorkOrder) else order
    return WorkOrder.objects.select_for_update().get(pk=pk)


def lock_assignment(assignment: Assignment | int) -> tuple[Assignment, WorkOrder]:
    """Lock the order first, then the assignment, always in that order (no deadlocks)."""
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    order_id = Assignment.objects.values_list("order_id", flat=True).get(pk=pk)
    order = lock_order(order_id)
    return Assignment.objects.select_for_update().select_related("department").get(pk=pk), order


def lock_pending_request(model, request, *, already: str):
    """Lock a return or extension request (order first, then assignment, then the request) and
    refuse a second ruling on it."""
    assignment, order = lock_assignment(request.assignment_id)
    request = model.objects.select_for_update().get(pk=request.pk)
    if request.ruling == model.Ruling.LAPSED:
        raise InvalidTransition(f"该{model._meta.verbose_name}已随任务结束失效，无需再审。")
    if request.ruling != model.Ruling.PENDING:
        raise InvalidTransition(already)
    return request, assignment, order


def requests_lapse(order: WorkOrder, assignment_ids: Iterable[int], *, cause: str, actor) -> int:
    """End the requests still pending on these department parts, which have just ended (replied,
    returned, cancelled) because of ``cause`` (the event kind that ended them): a part that is over
    leaves nothing for the dispatcher to rule on, and a ruling on it would tell the deputy about a
    deadline that no longer runs. One ``request_lapsed`` event each. The order is locked."""
    ids = list(assignment_ids)
    ended = 0
    for model, name in PENDING_REQUESTS:
        pending = (
            model.objects.select_for_update()
            .filter(assignment_id__in=ids, ruling=model.Ruling.PENDING)
            .select_related("assignment")
            .order_by("id")
        )
        for request in pending:
            request.ruling, request.ruled_by, request.ruled_at = (
                model.Ruling.LAPSED,
                None,
                clock.now(),
            )
            request.save(update_fields=["ruling", "ruled_by", "ruled_at"])
            record_event(
                order,
                EventKind.REQUEST_LAPSED,
                actor=actor,
                from_status=order.status,
                to_status=order.status,
                assignment=request.assignment,
                note=f"{model._meta.verbose_name}随任务结束失效（{EventKind(cause).label}）。",
                request=request.pk,
                request_kind=name,
                cause=str(cause),
            )
            ended += 1
    return ended


def assignments_cancel(order: WorkOrder, assignments, *, cause: str, actor) -> int:
    """撤销 the live parts among ``assignments`` (a queryset), their pending requests with them."""
    ids = list(assignments.filter(status__in=ASSIGNMENT_ACTIVE).values_list("pk", flat=True))
    requests_lapse(order, ids, cause=cause, actor=actor)
    return Assignment.objects.filter(pk__in=ids).update(status=AssignmentStatus.CANCELLED)


def record_ruling(request, ruling: str, *, actor, note: str, fields: Iterable[str] = ()) -> None:
    request.ruling, request.ruled_by, request.ruled_at = ruling, actor, clock.now()
    request.ruling_note = (note or "").strip()
    request.save(update_fields=["ruling", "ruled_by", "ruled_at", "ruling_note", *fields])


def require_status(order: WorkOrder, allowed: Iterable[str], action: str) -> None:
    allowed = tuple(allowed)
    if order.status not in allowed:
        names = "、".join(Status(s).label for s in allowed)
        raise InvalidTransition(
            f"工单 {order.number} 当前为“{order.get_status_display()}”，不能{action}（仅限{names}状态）。"
        )


def event_new(
    order: WorkOrder,
    kind: EventKind,
    *,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    assignment: Assignment | None = None,
    note: str = "",
    at=None,
    **data,
) -> OrderEvent:
    """An event row, not yet written (``record_events`` writes it)."""
    return OrderEvent(
        order=order,
        assignment=assignment,
        kind=kind,
        actor=actor,
        at=at or clock.now(),
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data,
    )


def record_events(order: WorkOrder, events: list[OrderEvent]) -> list[OrderEvent]:
    """Write the events one action causes, in order, and what follows from them in the same
    transaction: one INSERT for the events, one statement for the ledger row, one INSERT for the
    messages they cause (none when they cause none)."""
    OrderEvent.objects.bulk_create(events)
    # The ledger row follows the log in the same transaction (minyi/ledger/facts.py).
    from minyi.ledger.facts import rows_apply

    rows_apply(events, order)
    # The messages these events cause join the same transaction (minyi/notify/rules.py).
    # Imported here: notify depends on orders, not the other way round.
    from minyi.notify.services import outbox_write_for_events

    outbox_write_for_events(events)
    return events


def record_event(order: WorkOrder, kind: EventKind, **fields) -> OrderEvent:
    """Write one event (``event_new``'s arguments) and what follows from it."""
    return record_events(order, [event_new(order, kind, **fields)])[0]


def transition_apply(
    order: WorkOrder,
    kind: EventKind,
    *,
    to: str | None = None,
    actor=None,
    fields: Iterable[str] = (),
    assignment: Assignment | None = None,
    assignments: Iterable[Assignment] | None = None,
    note: str = "",
    **data,
) -> tuple[list[str], list[OrderEvent]]:
    """``transition`` in memory: move the order, start or stop its clocks, sync its deadlines
    (against ``assignments``, its parts, when the caller knows them all; read otherwise) and
    return the fields to save and the events to write (the warning's after the action's)."""
    from minyi.orders.services.deadlines import (
        iso,
        order_start_dispatch_clock,
        order_sync_deadlines,
    )

    before, warning_before = order.status, order.warning
    if to is not None:
        order.status = to
    order.updated_at = clock.now()
    if order.status == Status.ACCEPTED and before != Status.ACCEPTED:
        # Into the dispatch queue (acceptance, or a lead's accepted return): 第一时间交办.
        fields = [*fields, *order_start_dispatch_clock(order, at=order.updated_at)]
        data["dispatch_due"] = iso(order.dispatch_due)
    synced = order_sync_deadlines(order, assignments)
    events = [
        event_new(
            order,
            kind,
            actor=actor,
            from_status=before,
            to_status=order.status,
            assignment=assignment,
            note=note[:1000],
            **data,
        )
    ]
    if order.warning != warning_before:
        # The ledger counts warnings from these rows, whether time (sla_scan) or an action moved it.
        events.append(
            event_new(
                order,
                EventKind.WARNING,
                actor=actor,
                from_status=order.status,
                to_status=order.status,
                **{"from": warning_before, "to": order.warning, "cause": str(kind)},
            )
        )
    return list(dict.fromkeys(["status", "updated_at", *fields, *synced])), events


def transition(
    order: WorkOrder,
    kind: EventKind,
    **arguments,
) -> OrderEvent:
    """Move the order to ``to`` (or keep its status), start the dispatch clock when it enters the
    dispatch queue, bring its deadline columns in line with its assignments, save the named
    fields with them, and write the event (with the warning event when the warning moved, in
    the same INSERT). ``transition_apply`` takes the arguments."""
    fields, events = transition_apply(order, kind, **arguments)
    order.save(update_fields=fields)
    return record_events(order, events)[0]


def messages_follow(order: WorkOrder, event: OrderEvent) -> None:
    """码上找代表: a message forwarded as this order (or as a duplicate merged into it) follows
    its refusal, archiving, escalation or merging (the message is open again, has the result to
    answer with, or follows the master order). Called explicitly where an order ends; imported
    here so that orders depend on one function of mashang."""
    from minyi.orders.models import Channel

    # ``order.messages``: mashang.Message's link, one indexed look-up on the rare order that
    # is not 码上找代表's own but took such a duplicate in
    if order.channel != Channel.QR_MESSAGE and not order.messages.exists():
        return
    from minyi.mashang.services.followup import order_followed

    order_followed(order=order, event=event)
