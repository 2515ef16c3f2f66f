from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from minyi.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "phone")
    autocomplete_fields = ("department", "deputy")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("角色与归属", {"fields": ("role", "department", "deputy", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("角色与归属", {"fields": ("role", "department", "deputy")}),
    )

    @admin.display(description="姓名")
    def get_full_name(self, obj: User) -> str:
        return obj.get_full_name()
