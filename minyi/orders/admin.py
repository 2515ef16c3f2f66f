"""Orders are read-only here: every change goes through the services (workbenches and API).

The requester is shown as the privacy rule says (masked for the system administrator) and
revealed only through ``requester_reveal``, which logs the view (surface 管理后台). The free
text of an order and of its events (title, content, address, notes, event data) is shown as the
rule lets the administrator who looks read it: the audit administrator, outside the hotline,
does not read an anonymous requester's name out of a note."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html

from minyi.adminsite.base import ReadOnlyAdmin, ReadOnlyInline
from minyi.core import timefmt
from minyi.core.access import client_ip
from minyi.orders.models import (
    Assignment,
    AssignmentStatus,
    OrderEvent,
    Status,
    Tracking,
    Warning,
    WorkOrder,
)
from minyi.orders.selectors import event_data_shown
from minyi.privacy import rules as privacy
from minyi.privacy.models import Surface
from minyi.privacy.services import RevealRefused, requester_reveal

WARNING_CLASSES = {Warning.YELLOW: "minyi-warning", Warning.RED: "minyi-danger"}


def deadline_label(value, provisional: bool) -> str:
    """A deadline as people read it, with （暂定） when a provisional year was counted."""
    if value is None:
        return "—"
    text = timefmt.local_text(value)
    return f"{text}（暂定）" if provisional else text


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = (
        "department",
        "role",
        "status",
        "dispatched_at",
        "signed_at",
        "sign_due",
        "reply_due",
        "reply_due_provisional",
    )
    readonly_fields = fields


class TrackingInline(ReadOnlyInline):
    """跟踪督办 (services/tracking.py): its state and dates; the plan is free text, read on the
    order's events through the rule."""

    model = Tracking
    fields = (
        "department",
        "state",
        "plan_due",
        "opened_at",
        "done_reported_at",
        "closed_at",
        "reminded_for",
        "overdue_for",
    )
    readonly_fields = fields


def _person(user, order) -> privacy.Person:
    return privacy.requester_shown(user, order)


class ViewerAware:
    """Remembers on the object who is looking (``admin_viewer``), for the rule's fields below;
    an object nobody set it on is shown as to nobody: withheld (the rule fails closed)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.admin_viewer = request.user
        return obj


def _viewer(obj):
    return getattr(obj, "admin_viewer", None)


class EventInline(ReadOnlyInline):
    """The ledger rows of the order (their notes are on each event's own page, shown there
    through the rule)."""

    model = OrderEvent
    fields = ("at", "kind", "actor", "from_status", "to_status")
    readonly_fields = fields
    ordering = ("at", "id")


@admin.register(WorkOrder)
class WorkOrderAdmin(ViewerAware, ReadOnlyAdmin):
    # title, content and address only through the rule (below), never as the raw fields
    exclude = ("title", "content", "address")
    list_filter = ("status", "channel", "warning", "supervision", "request_type")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ("request_type", "deputy")
    inlines = [AssignmentInline, TrackingInline, EventInline]
    readonly_fields = ("requester", "title_shown", "content_shown", "address_shown")

    def get_list_display(self, request):
        user = request.user

        @admin.display(description="标题")
        def title(order: WorkOrder) -> str:
            return _person(user, order).redact(order.title)

        return ("number", title, "channel", "status", "warning_badge", "due", "created_at")

    @admin.display(description="诉求人")
    def requester(self, order: WorkOrder) -> str:
        person = _person(_viewer(order), order)
        return " ".join(part for part in (person.label, person.phone) if part) or "—"

    @admin.display(description="标题")
    def title_shown(self, order: WorkOrder) -> str:
        return _person(_viewer(order), order).redact(order.title)

    @admin.display(description="诉求内容")
    def content_shown(self, order: WorkOrder) -> str:
        return _person(_viewer(order), order).redact(order.content)

    @admin.display(description="事发地址")
    def address_shown(self, order: WorkOrder) -> str:
        return _person(_viewer(order), order).redact(order.address) or "—"

    def may_reveal(self, request, order) -> bool:
        return self.has_view_permission(request, order) and privacy.may_reveal(request.user, order)

    def reveal(self, request, order):
        try:
            person = requester_reveal(
                user=request.user, order=order, surface=Surface.ADMIN, ip=client_ip(request)
            )
        except RevealRefused as refused:
            raise PermissionDenied(refused.message) from None
        return [("诉求人", person.name), ("联系电话", person.phone), ("反映代表", person.deputy)]

    class Media:
        css = {"all": ["minyi/admin.css"]}

    @admin.display(description="预警", ordering="warning")
    def warning_badge(self, order: WorkOrder):
        css = WARNING_CLASSES.get(order.warning)
        if css is None:
            return order.get_warning_display()
        return format_html('<strong class="{}">{}</strong>', css, order.get_warning_display())

    @admin.display(description="最近时限", ordering="next_due")
    def due(self, order: WorkOrder) -> str:
        return deadline_label(order.next_due, order.deadline_provisional)


# an event's states are the order's or, for a department's part, the assignment's
_STATE_LABELS = {**dict(AssignmentStatus.choices), **dict(Status.choices)}


@admin.register(OrderEvent)
class OrderEventAdmin(ViewerAware, ReadOnlyAdmin):
    list_filter = ("kind",)
    search_fields = ("order__number",)
    show_full_result_count = False
    list_select_related = ("order", "order__deputy", "actor")
    # the order (its title), note and data only through the rule (below), never raw; the
    # states by their Chinese names
    exclude = ("order", "note", "data", "from_status", "to_status")
    readonly_fields = ("order_number", "from_shown", "to_shown", "note_shown", "data_shown")

    def get_list_display(self, request):
        user = request.user

        @admin.display(description="工单")
        def order_shown(event: OrderEvent) -> str:
            return f"{event.order.number} {_person(user, event.order).redact(event.order.title)}"

        return ("at", order_shown, "kind", "actor", "from_shown", "to_shown")

    @admin.display(description="原状态")
    def from_shown(self, event: OrderEvent) -> str:
        return _STATE_LABELS.get(event.from_status, event.from_status) or "—"

    @admin.display(description="新状态")
    def to_shown(self, event: OrderEvent) -> str:
        return _STATE_LABELS.get(event.to_status, event.to_status) or "—"

    @admin.display(description="工单")
    def order_number(self, event: OrderEvent) -> str:
        order = event.order
        return f"{order.number} {_person(_viewer(event), order).redact(order.title)}"

    @admin.display(description="说明")
    def note_shown(self, event: OrderEvent) -> str:
        return _person(_viewer(event), event.order).redact_from(event.note, event.actor) or "—"

    @admin.display(description="数据")
    def data_shown(self, event: OrderEvent) -> str:
        person = _person(_viewer(event), event.order)
        data = event_data_shown(event.data)
        shown = "；".join(
            f"{k}: {person.redact_from(str(v), event.actor)}" for k, v in data.items()
        )
        return shown or "—"
