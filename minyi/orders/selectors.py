"""Reads of orders, with each role's visibility applied in one place (DESIGN §9).

Pages and the API call ``orders_visible_to(user)`` and never filter by role themselves.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from minyi.accounts.models import Role
from minyi.orders.models import Assignment, OrderEvent, Status, WorkOrder
from minyi.privacy import rules

# Roles that read every order: the ledger (联工委) and dispatching. The administrators have no
# workbench: the system administrator reads orders in the admin only (read-only, requester
# masked), the security and audit administrators not at all.
SEES_ALL = frozenset({Role.LIAISON, Role.DISPATCHER})
# What a callback agent works on: the callbacks, and the tracked orders whose close they confirm
# with the requester by phone (services/tracking.py).
CALLBACK_STATES = (Status.REPLIED, Status.CALLBACK)
CALLBACK_VISIBLE = (*CALLBACK_STATES, Status.TRACKING)


def orders_visible_to(user) -> QuerySet[WorkOrder]:
    """Every order ``user`` may see, and no other.

    - liaison officer, dispatcher: all orders;
    - department handler: orders with an assignment (any state, past or present) for their
      department;
    - callback agent: orders waiting for or in callback, those in 跟踪督办, and those they acted
      on themselves (an event of theirs in the ledger: what they archived or sent back, 我已处理);
    - operator: the orders they recorded;
    - deputy: the orders they raised;
    - anyone else (anonymous, inactive, no role, the administrators): nothing.
    """
    orders = WorkOrder.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return orders.none()
    if user.role in SEES_ALL:
        return orders
    if user.role == Role.HANDLER and user.department_id:
        mine = Assignment.objects.filter(order=OuterRef("pk"), department_id=user.department_id)
        return orders.filter(Exists(mine))
    if user.role == Role.CALLBACK:
        # ``pk IN`` (not a correlated EXISTS): one hashed read of this agent's events on the
        # (actor, at) index, whatever the number of orders
        acted = OrderEvent.objects.filter(actor=user).values("order_id")
        return orders.filter(Q(status__in=CALLBACK_VISIBLE) | Q(pk__in=acted))
    if user.role == Role.OPERATOR:
        return orders.filter(created_by=user)
    if user.role == Role.DEPUTY and user.deputy_id:
        return orders.filter(deputy_id=user.deputy_id)
    return orders.none()


# The keys of ``OrderEvent.data`` a reader may see (the API's events, the page's timeline): what
# the services write today. A key not named here stays out of every response until someone
# decides it may be shown — a future key holding a person's number must not leak by default.
EVENT_DATA_SHOWN = frozenset(
    {
        "assignments",
        "assisting",
        "attachment",
        "attachment_kind",
        "basis",
        "callback",
        "cancelled_assignments",
        "cause",
        "channel",
        "content_type",
        "current_due",
        "department",
        "departments",
        "dispatch_due",
        "dispatch_on_time",
        "duplicate",
        "duplicate_number",
        "from",
        "lead",
        "level",
        "master",
        "master_number",
        "method",
        "name",
        "new_due",
        "old_due",
        "old_plan_due",
        "on_time",
        "order_due",
        "plan",
        "plan_due",
        "rater",
        "reason",
        "redo_count",
        "reply",
        "reply_due",
        "request",
        "request_kind",
        "requested_due",
        "satisfaction",
        "size",
        "sign_due",
        "solved",
        "suggested_department",
        "to",
    }
)


def event_data_shown(data: dict | None) -> dict:
    return {key: value for key, value in (data or {}).items() if key in EVENT_DATA_SHOWN}


# the keys that link an event to another order (a merge), dropped when the link is not shown
_LINK_KEYS = {"master": "master_number", "duplicate": "duplicate_number"}


def links_hidden(user, order: WorkOrder) -> set[int]:
    """The orders merged with ``order`` (its master, its duplicates) that ``user`` may not see
    it linked to (``privacy.rules.link_shown``)."""
    linked = WorkOrder.objects.filter(Q(pk=order.master_id) | Q(master=order))
    return {
        other.pk
        for other in linked.select_related("deputy")
        if not rules.link_shown(user, order, other)
    }


def event_read(event: OrderEvent, person: rules.Person, hidden: set[int]) -> tuple[str, dict]:
    """An event's note and data as ``person``'s viewer may read them (the page's timeline and
    the API's events): the readable keys only; no channel when the rule withholds it; no link
    to an order in ``hidden`` (``links_hidden``); and every text cut by who wrote it — the
    event's actor (``Person.redact_from``)."""
    data = event_data_shown(event.data)
    if person.channel is None:
        data.pop("channel", None)
    for key, number in _LINK_KEYS.items():
        if key in data and data[key] in hidden:
            data.pop(key)
            data.pop(number, None)

    def read(value):
        if isinstance(value, list):
            return [read(item) for item in value]
        if isinstance(value, dict):
            return {key: read(item) for key, item in value.items()}
        return person.redact_from(value, event.actor) if isinstance(value, str) else value

    return person.redact_from(event.note, event.actor), {k: read(v) for k, v in data.items()}


def order_timeline(order: WorkOrder):
    return (
        OrderEvent.objects.filter(order=order)
        .select_related("actor", "assignment__department")
        .order_by("at", "id")
    )


def orders_open_by_due():
    return WorkOrder.objects.open().filter(next_due__isnull=False).order_by("next_due", "id")
