from django.contrib import admin

from minyi.core.models import HousekeepingRun


@admin.register(HousekeepingRun)
class HousekeepingRunAdmin(admin.ModelAdmin):
    list_display = ("month", "at", "summary")
    readonly_fields = ("month", "at", "summary")

    def has_add_permission(self, request):
        return False
