"""The access log is evidence: administrators read it, nobody edits it."""

from django.contrib import admin

from minyi.workbench.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "order", "fields", "ip")
    list_filter = ("at",)
    search_fields = ("order__number", "user__username", "user__last_name", "ip")
    date_hierarchy = "at"
    list_select_related = ("user", "order")
    readonly_fields = ("user", "order", "fields", "at", "ip")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
