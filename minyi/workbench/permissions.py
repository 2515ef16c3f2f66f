"""Which actions this user may take on this order now — the one place that decides.

The detail page and the console show a button for each allowed action, and ``take_action``
refuses (403) a POST for any other. Visibility is not decided here: a view first finds the order in
``orders_visible_to(user)`` (404 otherwise), then asks ``allowed(action, user, ctx)``. The
services still guard the state themselves; these rules only say whose job an action is, and
hide buttons that the order's state makes pointless.

Roles are read from ``user.role`` only: an administrator or a superuser without an operational
role reads everything but acts on nothing here (the ledger must name an operator, dispatcher,
handler or callback agent — or the liaison officer who escalates — for every change). The
console's next step after intake (派单, 直接答复) is decided here too, for the operator who
recorded the order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules

from minyi.accounts.models import Role
from minyi.orders.models import (
    Assignment,
    AssignmentStatus,
    ExtensionRequest,
    ReturnRequest,
    Status,
    Tracking,
    TrackingState,
    WorkOrder,
)
from minyi.orders.services.closing import (
    ESCALATABLE,
    OPEN,
    SUPERVISABLE,
    archive_refusal,
    callback_refusal,
)
from minyi.orders.services.rating import awaiting_deputy_rating, is_raising_deputy
from minyi.orders.services.tracking import is_tracking_handler, may_confirm


@dataclass
class OrderContext:
    """The order and the rows the rules look at, read once per request."""

    order: WorkOrder
    # the handler's live part in the order (None for other roles, or when the department's
    # part has ended: returned, cancelled)
    my_assignment: Assignment | None = None
    pending_returns: list[ReturnRequest] = field(default_factory=list)
    pending_extensions: list[ExtensionRequest] = field(default_factory=list)
    # the deputy's order whose reply waits for their rating (services/rating.py)
    awaiting_rating: bool = False
    # the order's 跟踪督办, while it is tracked (services/tracking.py)
    tracking: Tracking | None = None


def order_context(user, order: WorkOrder) -> OrderContext:
    ctx = OrderContext(order=order)
    if order.status == Status.TRACKING:
        ctx.tracking = Tracking.objects.filter(order=order).first()
    if getattr(user, "role", "") == Role.HANDLER and user.department_id:
        ctx.my_assignment = (
            order.assignments.filter(department_id=user.department_id)
            .exclude(status__in=[AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED])
            .select_related("department")
            .order_by("-id")
            .first()
        )
    if getattr(user, "role", "") == Role.DISPATCHER:
        ctx.pending_returns = list(
            ReturnRequest.objects.filter(
                assignment__order=order, ruling=ReturnRequest.Ruling.PENDING
            ).select_related("assignment__department", "suggested_department", "leader_opinion")
        )
        ctx.pending_extensions = list(
            ExtensionRequest.objects.filter(
                assignment__order=order, ruling=ExtensionRequest.Ruling.PENDING
            ).select_related("assignment__department")
        )
    if getattr(user, "role", "") == Role.DEPUTY:
        ctx.awaiting_rating = is_raising_deputy(user, order) and awaiting_deputy_rating(order)
    return ctx


# -- who -------------------------------------------------------------------------------------


def _role(role: str):
    @rules.predicate(name=f"is_{role}")
    def check(user, ctx) -> bool:
        return bool(user and user.is_authenticated and user.role == role)

    return check


is_operator = _role(Role.OPERATOR)
is_dispatcher = _role(Role.DISPATCHER)
is_handler = _role(Role.HANDLER)
is_callback_agent = _role(Role.CALLBACK)
is_admin = _role(Role.ADMIN)
is_deputy = _role(Role.DEPUTY)
is_liaison = _role(Role.LIAISON)


# -- the order's state -------------------------------------------------------------------------


def _status_in(*statuses: str):
    statuses = frozenset(statuses)

    @rules.predicate(name=f"status_in_{'_'.join(sorted(statuses))}")
    def check(user, ctx: OrderContext) -> bool:
        return ctx.order.status in statuses

    return check


def _my_assignment_in(*statuses: str):
    @rules.predicate(name=f"my_assignment_{'_'.join(statuses)}")
    def check(user, ctx: OrderContext) -> bool:
        return ctx.my_assignment is not None and ctx.my_assignment.status in statuses

    return check


@rules.predicate
def recorded_it(user, ctx: OrderContext) -> bool:
    """The operator who recorded the order (the console's next step is theirs)."""
    return ctx.order.created_by_id is not None and ctx.order.created_by_id == user.pk


@rules.predicate
def has_pending_return(user, ctx: OrderContext) -> bool:
    return bool(ctx.pending_returns)


@rules.predicate
def has_pending_extension(user, ctx: OrderContext) -> bool:
    return bool(ctx.pending_extensions)


@rules.predicate
def awaiting_rating(user, ctx: OrderContext) -> bool:
    return ctx.awaiting_rating


@rules.predicate
def my_assignment_has_no_pending_extension(user, ctx: OrderContext) -> bool:
    a = ctx.my_assignment
    return (
        a is not None
        and a.reply_due is not None
        and not a.extension_requests.filter(ruling=ExtensionRequest.Ruling.PENDING).exists()
    )


@rules.predicate
def may_call_back(user, ctx: OrderContext) -> bool:
    return not callback_refusal(ctx.order)


@rules.predicate
def may_archive(user, ctx: OrderContext) -> bool:
    return not archive_refusal(ctx.order)


def _tracking_in(state: str):
    @rules.predicate(name=f"tracking_{state}")
    def check(user, ctx: OrderContext) -> bool:
        return ctx.tracking is not None and ctx.tracking.state == state

    return check


@rules.predicate
def holds_tracking(user, ctx: OrderContext) -> bool:
    return is_tracking_handler(user, ctx.tracking)


@rules.predicate
def confirms_tracking(user, ctx: OrderContext) -> bool:
    return may_confirm(user, ctx.order)


in_callback = _status_in(Status.REPLIED, Status.CALLBACK)
being_handled = _status_in(Status.DISPATCHED, Status.SIGNED)

ACTIONS = rules.RuleSet()
# dispatcher (派单员); the operator who accepted the call may dispatch it at once from the console
ACTIONS.add_rule(
    "dispatch", (is_dispatcher | (is_operator & recorded_it)) & _status_in(Status.ACCEPTED)
)
# 受理 or 不予受理 a draft (the console decides its own at intake); 不予受理 of an accepted order
# is the dispatcher's later finding (e.g. returned by every department)
ACTIONS.add_rule("intake", is_dispatcher & _status_in(Status.DRAFT))
ACTIONS.add_rule("reject", is_dispatcher & _status_in(Status.ACCEPTED))
ACTIONS.add_rule("return-accept", is_dispatcher & has_pending_return)
ACTIONS.add_rule("return-refuse", is_dispatcher & has_pending_return)
ACTIONS.add_rule("extension-approve", is_dispatcher & has_pending_extension)
ACTIONS.add_rule("extension-deny", is_dispatcher & has_pending_extension)
# 转闭会期间代表建议: the dispatcher or the liaison committee, also a matter not accepted
ACTIONS.add_rule("escalate", (is_dispatcher | is_liaison) & _status_in(*ESCALATABLE))
# 并单: the dispatcher; at intake the operator merges the call they are recording (a draft of
# theirs) into its master from the console's duplicate panel (minyi/intake)
ACTIONS.add_rule(
    "merge",
    (is_dispatcher & _status_in(*OPEN)) | (is_operator & recorded_it & _status_in(Status.DRAFT)),
)
# 督办: the dispatcher on an order a department holds; the callback agent hands a replied order over
ACTIONS.add_rule(
    "supervise",
    (is_dispatcher & _status_in(*SUPERVISABLE)) | (is_callback_agent & in_callback),
)
# operator (话务员): the hotline answers a matter it can answer itself (直接答复), at intake
ACTIONS.add_rule("answer", is_operator & recorded_it & _status_in(Status.ACCEPTED))
# department handler (承办人), on their own department's live part only
ACTIONS.add_rule(
    "sign",
    is_handler
    & _status_in(Status.DISPATCHED, Status.SIGNED, Status.RETURNED)
    & _my_assignment_in(AssignmentStatus.PENDING),
)
ACTIONS.add_rule(
    "return",
    is_handler
    & being_handled
    & _my_assignment_in(AssignmentStatus.PENDING, AssignmentStatus.SIGNED),
)
ACTIONS.add_rule(
    "extend",
    is_handler
    & being_handled
    & _my_assignment_in(AssignmentStatus.SIGNED)
    & my_assignment_has_no_pending_extension,
)
ACTIONS.add_rule("reply", is_handler & being_handled & _my_assignment_in(AssignmentStatus.SIGNED))
# callback agent (回访员)
# after a dissatisfied callback only redo and supervision are offered (衡阳 第四步)
ACTIONS.add_rule("callback", is_callback_agent & in_callback & may_call_back)
ACTIONS.add_rule("archive", is_callback_agent & _status_in(Status.CALLBACK) & may_archive)
ACTIONS.add_rule("redo", is_callback_agent & in_callback)
# deputy (人大代表): rates the result of the order they raised, once per reply
ACTIONS.add_rule("rate", is_deputy & in_callback & awaiting_rating)
# 跟踪督办: the lead department reports progress and done; the requester confirms (the deputy
# who raised the order, or the callback agent who asked by phone)
tracking_handling = _tracking_in(TrackingState.HANDLING)
ACTIONS.add_rule("tracking-progress", is_handler & holds_tracking & tracking_handling)
ACTIONS.add_rule("tracking-done", is_handler & holds_tracking & tracking_handling)
ACTIONS.add_rule(
    "tracking-confirm",
    (is_callback_agent | is_deputy) & confirms_tracking & _tracking_in(TrackingState.CONFIRMING),
)

ACTION_NAMES: tuple[str, ...] = tuple(ACTIONS)


def allowed(action: str, user, ctx: OrderContext) -> bool:
    return action in ACTIONS and ACTIONS.test_rule(action, user, ctx)


def allowed_actions(user, ctx: OrderContext) -> list[str]:
    return [name for name in ACTION_NAMES if allowed(name, user, ctx)]
