"""Orders are read-only here: every change goes through the services (workbenches and API).

The requester is shown as the privacy rule says (masked for the system administrator) and
revealed only through ``requester_reveal``, which logs the view (surface 管理后台)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html

from minyi.adminsite.base import ReadOnlyAdmin, ReadOnlyInline
from minyi.core.access import client_ip
from minyi.orders.models import Assignment, OrderEvent, Warning, WorkOrder
from minyi.privacy import rules as privacy
from minyi.privacy.models import Surface
from minyi.privacy.services import RevealRefused, requester_reveal

WARNING_CLASSES = {Warning.YELLOW: "minyi-warning", Warning.RED: "minyi-danger"}


def deadline_label(value, provisional: bool) -> str:
    """A deadline as people read it, with （暂定） when a provisional year was counted."""
    if value is None:
        return "—"
    text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
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


class EventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("at", "kind", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    ordering = ("at", "id")


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "channel", "status", "warning_badge", "due", "created_at")
    list_filter = ("status", "channel", "warning", "supervision", "request_type")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ("request_type",)
    inlines = [AssignmentInline, EventInline]
    readonly_fields = ("requester",)

    def get_object(self, request, object_id, from_field=None):
        order = super().get_object(request, object_id, from_field)
        if order is not None:
            order.admin_viewer = request.user  # the rule needs who is looking
        return order

    @admin.display(description="诉求人")
    def requester(self, order: WorkOrder) -> str:
        person = privacy.requester_shown(getattr(order, "admin_viewer", None), order)
        return " ".join(part for part in (person.label, person.phone) if part) or "—"

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


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "order", "kind", "actor", "from_status", "to_status")
    list_filter = ("kind",)
    search_fields = ("order__number",)
    show_full_result_count = False
    list_select_related = ("order", "actor")
