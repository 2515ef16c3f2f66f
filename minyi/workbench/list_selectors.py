"""The role queues: which orders each list holds, and keyset paging over them (the ledger's
rows are minyi.ledger.selectors, paged by the same signed cursors).

Every list starts from ``orders_visible_to(user)`` (the one visibility rule, DESIGN §9) and only
narrows it. Paging is by keyset, never OFFSET, and no page counts rows: at 1M orders a
``COUNT(*)`` or a deep OFFSET costs seconds, a keyset page costs what the first page costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core import signing
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime

from minyi.accounts.models import Role
from minyi.core import clock, rowvalues, timefmt
from minyi.orders.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Callback,
    CallbackRater,
    EventKind,
    ExtensionRequest,
    OrderEvent,
    ReturnRequest,
    Satisfaction,
    Status,
    TrackingState,
    Warning,
    WorkOrder,
)
from minyi.orders.selectors import CALLBACK_STATES, orders_visible_to
from minyi.privacy import rules
from minyi.workbench.presenters import shown

PAGE_SIZE = 50
REPLIED_WINDOW = timedelta(days=30)  # 已答复: what the department answered in the last 30 days
_CURSOR_SALT = "minyi.workbench.cursor"


class BadCursor(ValueError):
    """A cursor that this server did not issue, or issued for another ordering."""


@dataclass(frozen=True)
class Tab:
    key: str
    label: str


@dataclass
class Page:
    rows: list
    next_cursor: str | None = None
    extra: dict = field(default_factory=dict)


# -- cursors ------------------------------------------------------------------------------------
# A cursor is the sort key of the last row shown, signed so that a hand-edited one is refused
# (400) instead of silently paging from somewhere else. The ordering's name is part of it.


def encode_cursor(order_key: str, moment: datetime | None, pk: int) -> str:
    payload = [order_key, moment.isoformat() if moment else None, pk]
    return signing.dumps(payload, salt=_CURSOR_SALT, compress=False)


def decode_cursor(cursor: str, order_key: str) -> tuple[datetime | None, int]:
    try:
        key, moment, pk = signing.loads(cursor, salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadCursor(cursor) from error
    if key != order_key or not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor(cursor)
    if moment is None:
        return None, pk
    parsed = parse_datetime(moment) if isinstance(moment, str) else None
    if parsed is None:
        raise BadCursor(cursor)
    return parsed, pk


def page_by_due(
    orders: QuerySet, cursor: str | None, size: int = PAGE_SIZE, due: str = "next_due"
) -> Page:
    """Deadline first (``due`` ascending, orders without one last), then id.

    Two keyset segments instead of one ``ORDER BY due NULLS LAST``: ``(due, id) > (d, i)`` is
    one range on the ``(due, id)`` index (minyi.core.rowvalues), an ``OR due IS NULL`` would
    not be. The second query runs only on the page where the dated orders run out."""
    after = decode_cursor(cursor, due) if cursor else None
    rows: list = []
    if after is None or after[0] is not None:
        dated = orders.filter(**{f"{due}__isnull": False})
        if after is not None:
            dated = dated.filter(rowvalues.after((due, "id"), after))
        rows = list(dated.order_by(due, "id")[: size + 1])
    if len(rows) <= size:
        undated = orders.filter(**{f"{due}__isnull": True})
        if after is not None and after[0] is None:
            undated = undated.filter(pk__gt=after[1])
        rows += list(undated.order_by("id")[: size + 1 - len(rows)])
    for order in rows:
        order.shown_due = getattr(order, due)
    if len(rows) <= size:
        return Page(rows)
    rows = rows[:size]
    return Page(rows, encode_cursor(due, getattr(rows[-1], due), rows[-1].pk))


def page_by_plan_due(orders: QuerySet, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """跟踪督办: by the plan date (``Tracking.plan_due``, a date every tracked order has), then id.
    ``shown_plan_due`` and ``plan_overdue`` for the row (overdue: the date passed without a done
    report)."""
    orders = orders.annotate(
        shown_plan_due=F("tracking__plan_due"), tracking_state=F("tracking__state")
    )
    if cursor:
        moment, pk = decode_cursor(cursor, "plan_due")
        if moment is None:
            raise BadCursor(cursor)
        orders = orders.filter(rowvalues.after(("tracking__plan_due", "id"), (moment.date(), pk)))
    rows = list(orders.order_by("tracking__plan_due", "id")[: size + 1])
    today = timefmt.local_date(clock.now())
    for order in rows:
        order.shown_due = None
        order.plan_overdue = (
            order.tracking_state == TrackingState.HANDLING and order.shown_plan_due < today
        )
        order.tracking_state_label = TrackingState(order.tracking_state).label
    if len(rows) <= size:
        return Page(rows)
    rows = rows[:size]
    last = datetime.combine(rows[-1].shown_plan_due, time())
    return Page(rows, encode_cursor("plan_due", last, rows[-1].pk))


def page_by_sign_due(orders: QuerySet, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """待签收: by the sign-for deadline. ``WorkOrder.sign_due`` is the earliest pending one and
    empty once every department has signed, so its index holds exactly the orders waiting to be
    signed for; ``next_due`` would put them behind every older order's handling deadline."""
    return page_by_due(orders, cursor, size, due="sign_due")


def _page_newest(orders: QuerySet, cursor: str | None, size: int, *, column: str, key: str) -> Page:
    """Newest first by ``column`` (a column or an annotation, desc, then id desc)."""
    if cursor:
        after, pk = decode_cursor(cursor, key)
        if after is None:
            raise BadCursor(cursor)
        # one range on the (column, id) index, the tie broken inside it (minyi.core.rowvalues)
        orders = orders.filter(rowvalues.before((column, "id"), (after, pk)))
    rows = list(orders.order_by(f"-{column}", "-id")[: size + 1])
    for order in rows:
        order.shown_due = order.next_due
    if len(rows) <= size:
        return Page(rows)
    rows = rows[:size]
    return Page(rows, encode_cursor(key, getattr(rows[-1], column), rows[-1].pk))


def page_by_created(orders: QuerySet, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """Newest first on the ``order_created`` index (created_at desc, id desc)."""
    return _page_newest(orders, cursor, size, column="created_at", key="created")


def page_by_acted(orders: QuerySet, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """我已处理: what the user did last first (``acted_at``, see ``acted_list``)."""
    page = _page_newest(orders, cursor, size, column="acted_at", key="acted")
    for order in page.rows:
        order.moment = order.acted_at
    return page


def page_by_replied(orders: QuerySet, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """The callback queue: the reply waiting longest first. These orders have no running
    deadline (the departments have answered), so a deadline sort would only list them by id."""
    page = page_by_due(orders, cursor, size, due="replied_at")
    for order in page.rows:
        order.shown_due, order.moment = order.next_due, order.replied_at
    return page


# -- the queues -----------------------------------------------------------------------------------


def _base(user) -> QuerySet[WorkOrder]:
    return orders_visible_to(user).select_related("request_type", "deputy")


def _pending(model, **around):
    return Exists(model.objects.filter(ruling=model.Ruling.PENDING, **around))


ACTED_WINDOW = timedelta(days=30)  # 我已处理: what the user did in the last 30 days
ACTED_TAB = Tab("acted", "我已处理")


def acted_list(user) -> QuerySet[WorkOrder]:
    """我已处理: the orders ``user`` changed in the last 30 days (``OrderEvent.actor``, on the
    (actor, at) index), among those they may see; ``acted_at`` and ``acted_kind`` are their
    latest event on each. The callback agent may see what they archived (orders_visible_to)."""
    mine = OrderEvent.objects.filter(actor=user, at__gte=clock.now() - ACTED_WINDOW)
    latest = mine.filter(order=OuterRef("pk")).order_by("-at", "-id")
    return (
        _base(user)
        .filter(pk__in=mine.values("order_id"))
        .annotate(
            acted_at=Subquery(latest.values("at")[:1]),
            acted_kind=Subquery(latest.values("kind")[:1]),
        )
    )


DISPATCH_TABS = (
    Tab("accepted", "待派单"),
    Tab("returns", "退件待审"),
    Tab("extensions", "延期待批"),
    Tab("supervision", "超期与督办"),
    Tab("tracking", "跟踪督办"),
    ACTED_TAB,
)


def tracking_queue(user, tab: str = "tracking") -> QuerySet[WorkOrder]:
    """The tracked orders this user sees (all of them for the hotline, their own department's
    for a handler); ``confirming`` narrows to those waiting for the requester's confirmation,
    the callback agent's to-do. Paged by ``page_by_plan_due``."""
    orders = _base(user).filter(status=Status.TRACKING)
    if getattr(user, "role", "") == Role.HANDLER:
        orders = orders.filter(tracking__department_id=user.department_id)
    if tab == "confirming":
        orders = orders.filter(tracking__state=TrackingState.CONFIRMING)
    return orders


def dispatch_queue(user, tab: str) -> QuerySet[WorkOrder]:
    orders = _base(user)
    if tab == "accepted":
        return orders.filter(status=Status.ACCEPTED)
    if tab == "returns":
        pending = _pending(ReturnRequest, assignment__order=OuterRef("pk"))
        returns = ReturnRequest.objects.filter(ruling=ReturnRequest.Ruling.PENDING).select_related(
            "suggested_department", "leader_opinion__uploaded_by", "requested_by"
        )
        asking = Assignment.objects.filter(
            return_requests__ruling=ReturnRequest.Ruling.PENDING
        ).select_related("department")
        return orders.filter(Q(status=Status.RETURNED) | pending).prefetch_related(
            Prefetch(
                "assignments",
                queryset=asking.prefetch_related(
                    Prefetch("return_requests", queryset=returns, to_attr="pending_returns")
                ).distinct(),
                to_attr="returning",
            )
        )
    if tab == "extensions":
        pending = _pending(ExtensionRequest, assignment__order=OuterRef("pk"))
        requests = ExtensionRequest.objects.filter(
            ruling=ExtensionRequest.Ruling.PENDING
        ).select_related("requested_by")
        assignments = Assignment.objects.select_related("department").prefetch_related(
            Prefetch("extension_requests", queryset=requests, to_attr="pending_extensions")
        )
        return orders.filter(pending).prefetch_related(
            Prefetch("assignments", queryset=assignments, to_attr="extending")
        )
    if tab == "supervision":
        # a tracked order (跟踪督办) is followed on its own tab, by its plan date
        return (
            orders.open()
            .exclude(status=Status.TRACKING)
            .filter(~Q(supervision=Warning.NONE) | Q(warning=Warning.RED))
        )
    if tab == "tracking":
        return tracking_queue(user)
    raise KeyError(tab)


DEPARTMENT_TABS = (
    Tab("pending", "待签收"),
    Tab("handling", "办理中"),
    Tab("replied", "已答复"),
    Tab("tracking", "跟踪督办"),
    ACTED_TAB,
)
_DEPARTMENT_STATES = {
    "pending": (AssignmentStatus.PENDING,),
    "handling": (AssignmentStatus.SIGNED, AssignmentStatus.RETURN_REQUESTED),
    "replied": (AssignmentStatus.REPLIED,),
}


def department_queue(user, tab: str) -> QuerySet[WorkOrder]:
    """The handler's department only: the assignment in the tab's state decides, so an order
    with two departments shows up for each in its own state."""
    if tab == "tracking":
        return tracking_queue(user)
    states = _DEPARTMENT_STATES[tab]
    # ``pk IN (…)`` rather than EXISTS: the planner starts from this department's parts on the
    # (department, status, sign_due) index instead of walking every order's deadline.
    mine = Assignment.objects.filter(department_id=user.department_id, status__in=states)
    if tab == "replied":
        mine = mine.filter(replied_at__gte=clock.now() - REPLIED_WINDOW)
    latest = Assignment.objects.filter(
        order=OuterRef("pk"), department_id=user.department_id
    ).order_by("-id")
    return (
        _base(user)
        .filter(pk__in=mine.values("order_id"))
        .annotate(
            my_status=Subquery(latest.values("status")[:1]),
            my_role=Subquery(latest.values("role")[:1]),
        )
    )


CALLBACK_TABS = (
    Tab("replied", "待回访"),
    Tab("callback", "回访中"),
    Tab("confirming", "待确认办结"),
    Tab("tracking", "跟踪督办"),
    ACTED_TAB,
)


def _rated_since_reply() -> QuerySet[Callback]:
    """The ratings (reached callbacks) of an order's current reply (services/rating.py)."""
    return Callback.objects.filter(order=OuterRef("pk"), at__gte=OuterRef("replied_at")).exclude(
        satisfaction=Satisfaction.UNREACHABLE
    )


def callback_queue(user, tab: str) -> QuerySet[WorkOrder]:
    """The agent's queue; an order the deputy has rated shows the rating (``deputy_rating``)."""
    if tab in ("confirming", "tracking"):
        return tracking_queue(user, tab)
    status = {"replied": Status.REPLIED, "callback": Status.CALLBACK}[tab]
    by_deputy = _rated_since_reply().filter(rater=CallbackRater.DEPUTY).order_by("-at", "-id")
    return (
        _base(user)
        .filter(status=status)
        .annotate(deputy_rating=Subquery(by_deputy.values("satisfaction")[:1]))
    )


def mine_list(user) -> QuerySet[WorkOrder]:
    """The deputy's orders; ``rated`` says whether the current reply has its rating, and a
    tracked order carries its 跟踪督办 state and plan date (the card's confirm button)."""
    return _base(user).annotate(
        rated=Exists(_rated_since_reply()),
        tracking_state=F("tracking__state"),
        tracking_plan_due=F("tracking__plan_due"),
    )


# A red order's deadline has passed; a yellow one's is close. These ranges are implied by the
# warning, and they let the ledger (minyi.ledger.selectors) narrow on next_due: ``warning`` itself is deliberately
# unindexed so the SLA scan's updates stay HOT (minyi/orders/services/sla.py).
SCAN_LAG = timedelta(hours=1)


# -- what a row shows -------------------------------------------------------------------------------


def detail_url(number: str) -> str:
    try:
        return reverse("order-detail", args=[number])
    except NoReverseMatch:  # the detail page is built beside the lists
        return f"/work/orders/{number}/"


def rows_prepare(rows: list, user) -> list:
    """What each row shows of the requester and the deputy is the privacy rule's answer
    (``order.person``), and every text passes through it too — the title (the hotline's), a
    pending return or extension (by who asked); no template reads the order's own requester or
    deputy fields, nor a text but its ``shown_`` reading."""
    status_labels = dict(AssignmentStatus.choices)
    role_labels = dict(AssignmentRole.choices)
    event_labels = dict(EventKind.choices)
    for order in rows:
        order.person = rules.requester_shown(user, order)
    # the deputy's numbers, which the rule cuts out of a withheld row's title: one query for
    # the page, and none when nothing on it is withheld
    withheld = [o for o in rows if o.person.withheld and o.deputy_id]
    prefetch_related_objects(withheld, "deputy__phones")
    for order in rows:
        order.shown_title = order.person.redact(order.title)
        for a in getattr(order, "returning", ()):  # 退件待审
            for r in a.pending_returns:
                shown(order.person, r, r.requested_by, "reason", "basis")
                shown(order.person, r.leader_opinion, r.leader_opinion.uploaded_by, "name")
        for a in getattr(order, "extending", ()):  # 延期待批
            for x in a.pending_extensions:
                shown(order.person, x, x.requested_by, "reason")
        order.link = detail_url(order.number)
        if getattr(order, "acted_kind", None):
            order.acted_label = event_labels.get(order.acted_kind, "")
        if getattr(order, "deputy_rating", None):
            order.deputy_rating_label = Satisfaction(order.deputy_rating).label
        order.awaiting_rating = order.status in CALLBACK_STATES and not getattr(
            order, "rated", True
        )
        order.awaiting_confirm = (
            order.status == Status.TRACKING
            and getattr(order, "tracking_state", None) == TrackingState.CONFIRMING
        )
        if hasattr(order, "my_status"):
            order.my_status_label = status_labels.get(order.my_status, "")
            order.my_role_label = role_labels.get(order.my_role, "")
    return rows


# Where ``/work/`` sends each role. The administrators have none: they work in the admin.
HOME_BY_ROLE = {
    Role.DISPATCHER: "work-dispatch",
    Role.HANDLER: "work-department",
    Role.CALLBACK: "work-callback",
    Role.LIAISON: "work-ledger",
    Role.DEPUTY: "work-mine",
    Role.OPERATOR: "console",
}
# Roles that see no orders land on a page of another app, by path: station staff on the shared
# inbox of 码上找代表 messages (minyi/mashang/staff_urls.py). Not in HOME_BY_ROLE, which also
# means "may search orders".
PATH_HOME_BY_ROLE = {Role.STATION: "/work/messages/"}
