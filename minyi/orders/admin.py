"""Orders are read-only here: every change goes through the services (workbenches and API)."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from minyi.orders.models import Assignment, OrderEvent, Warning, WorkOrder

# Colours come from minyi/admin.css (the CSP allows no inline style).
WARNING_CLASSES = {Warning.YELLOW: "minyi-yellow", Warning.RED: "minyi-red"}


def deadline_label(value, provisional: bool) -> str:
    """A deadline as people read it, with （暂定） when a provisional year was counted."""
    if value is None:
        return "—"
    text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return f"{text}（暂定）" if provisional else text


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
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
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ("at", "kind", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    can_delete = False
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "channel", "status", "warning_badge", "due", "created_at")
    list_filter = ("status", "channel", "warning", "supervision", "request_type")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ("request_type",)
    inlines = [AssignmentInline, EventInline]
    exclude = ("requester_phone",)

    class Media:
        css = {"all": ["minyi/admin.css"]}

    @admin.display(description="预警", ordering="warning")
    def warning_badge(self, order: WorkOrder):
        css_class = WARNING_CLASSES.get(order.warning)
        if css_class is None:
            return order.get_warning_display()
        return format_html('<strong class="{}">{}</strong>', css_class, order.get_warning_display())

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
