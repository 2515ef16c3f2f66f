"""The suggestion deadlines in the admin: the system administrator sets the reply limit
(default 3 months, at most 6), the second reply's (default 1 month) and the yellow warning's
days (one row, seeded by the migration: changed, never added nor deleted)."""

from django import forms
from django.contrib import admin

from minyi.adminsite.base import MinyiModelAdmin
from minyi.core import forms as core
from minyi.suggestions.models import MAX_LIMIT_MONTHS, SuggestionPolicy

TOO_LONG = f"期限最长 {MAX_LIMIT_MONTHS} 个月。"


class SuggestionPolicyForm(core.ModelForm):
    class Meta:
        model = SuggestionPolicy
        fields = "__all__"

    def _months(self, name: str) -> int:
        months = self.cleaned_data[name]
        if months < 1:
            raise forms.ValidationError("期限至少 1 个月。")
        if months > MAX_LIMIT_MONTHS:
            raise forms.ValidationError(TOO_LONG)
        return months

    def clean_reply_months(self):
        return self._months("reply_months")

    def clean_second_reply_months(self):
        return self._months("second_reply_months")

    def clean_warn_days(self):
        days = self.cleaned_data["warn_days"]
        if not 1 <= days <= 60:
            raise forms.ValidationError("临期提醒天数须在 1 到 60 之间。")
        return days


@admin.register(SuggestionPolicy)
class SuggestionPolicyAdmin(MinyiModelAdmin):
    form = SuggestionPolicyForm
    list_display = ("__str__", "reply_months", "second_reply_months", "warn_days", "updated_at")
    readonly_fields = ("updated_at",)
    fields = ("reply_months", "second_reply_months", "warn_days", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
