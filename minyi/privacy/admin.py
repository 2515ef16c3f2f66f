"""The personal-data access log, for the audit administrator: who saw whose data, where, when."""

from django.contrib import admin

from minyi.adminsite.base import ReadOnlyAdmin
from minyi.privacy.models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "surface", "order", "subject", "fields", "ip")
    list_filter = ("surface",)
    search_fields = ("user__username", "user__last_name", "order__number", "subject")
    date_hierarchy = "at"
    list_select_related = ("user", "order")
    show_full_result_count = False
