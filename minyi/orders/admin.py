"""Orders are read-only here: every change goes through the services (workbenches and API)."""

from django.contrib import admin

from minyi.orders.models import Assignment, OrderEvent, WorkOrder


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
    list_display = (
        "number",
        "title",
        "channel",
        "status",
        "warning",
        "next_due",
        "deadline_provisional",
        "created_at",
    )
    list_filter = ("status", "channel", "warning", "supervision", "request_type")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ("request_type",)
    inlines = [AssignmentInline, EventInline]
    exclude = ("requester_phone",)


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "order", "kind", "actor", "from_status", "to_status")
    list_filter = ("kind",)
    search_fields = ("order__number",)
    show_full_result_count = False
    list_select_related = ("order", "actor")
