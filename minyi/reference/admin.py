from django.contrib import admin

from minyi.adminsite.base import MinyiModelAdmin
from minyi.reference.models import (
    Category,
    Department,
    Region,
    RequestType,
    ScopeReason,
    TimeLimitRule,
)


@admin.register(Region)
class RegionAdmin(MinyiModelAdmin):
    list_display = ("name", "level", "code", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(MinyiModelAdmin):
    list_display = ("name", "region", "parent", "contact_name", "contact_phone", "is_active")
    list_filter = ("is_active", "region")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent", "region")
    filter_horizontal = ("categories",)


@admin.register(Category)
class CategoryAdmin(MinyiModelAdmin):
    list_display = ("name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    autocomplete_fields = ("parent",)


@admin.register(RequestType)
class RequestTypeAdmin(MinyiModelAdmin):
    list_display = ("name", "code", "is_report", "sort")
    list_editable = ("sort",)


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(MinyiModelAdmin):
    list_display = (
        "__str__",
        "stage",
        "request_type",
        "urgency",
        "complexity",
        "amount",
        "unit",
        "clock_start",
        "priority",
    )
    list_filter = ("stage", "unit")


@admin.register(ScopeReason)
class ScopeReasonAdmin(MinyiModelAdmin):
    list_display = ("title", "code", "sort", "is_active")
    list_editable = ("sort", "is_active")
    search_fields = ("title", "basis")
