"""Calendar editing in the admin goes through the services, so every edit recomputes deadlines."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from minyi.adminsite.base import MinyiModelAdmin, ReadOnlyAdmin
from minyi.workdays import services
from minyi.workdays.forms import NoticeForm
from minyi.workdays.models import CalendarChange, CalendarYear, SpecialDay


@admin.register(SpecialDay)
class SpecialDayAdmin(MinyiModelAdmin):
    list_display = ("date", "weekday", "kind", "name")
    list_filter = ("kind", ("date", admin.DateFieldListFilter))
    search_fields = ("name",)
    date_hierarchy = "date"

    @admin.display(description="星期")
    def weekday(self, obj: SpecialDay) -> str:
        return "周" + "一二三四五六日"[obj.date.weekday()]

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            services.special_day_delete(day=form.initial["date"], actor=request.user)
        result = services.special_day_save(
            day=obj.date, kind=obj.kind, name=obj.name, actor=request.user
        )
        obj.pk = SpecialDay.objects.get(date=obj.date).pk
        messages.info(
            request, f"{result.summary}；重算了 {result.orders_recomputed} 件工单的时限。"
        )

    def delete_model(self, request, obj):
        result = services.special_day_delete(day=obj.date, actor=request.user)
        messages.info(
            request, f"{result.summary}；重算了 {result.orders_recomputed} 件工单的时限。"
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(MinyiModelAdmin):
    list_display = ("year", "status", "source", "updated_at")
    list_filter = ("status",)
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        result = services.calendar_year_set_status(
            year=obj.year, official=obj.status == "official", source=obj.source, actor=request.user
        )
        messages.info(
            request, f"{result.summary}；重算了 {result.orders_recomputed} 件工单的时限。"
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        publish = path(
            "publish/",
            self.admin_site.admin_view(self.publish_view),
            name="workdays_calendaryear_publish",
        )
        return [publish, *super().get_urls()]

    def publish_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = NoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            result = services.calendar_year_publish(
                year=data["year"],
                days=data["days"],
                source=data["source"],
                official=data["official"],
                actor=request.user,
            )
            messages.success(
                request, f"{result.summary}；重算了 {result.orders_recomputed} 件工单的时限。"
            )
            return redirect("admin:workdays_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "录入年度节假日安排",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/workdays/calendaryear/publish.html", context)


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "summary", "orders_recomputed")
