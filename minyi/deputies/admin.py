"""Registry admin. Imports, exports and ending a mandate go through the services, so each is
validated as a whole and leaves an audit row."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from minyi.core.errors import DomainError
from minyi.deputies import services
from minyi.deputies.forms import ImportForm, MandateEndForm
from minyi.deputies.models import (
    LEVEL_RANK,
    Congress,
    Deputy,
    DeputyPhone,
    LiaisonStation,
    Mandate,
    RegistryChange,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 200


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class PhoneInline(admin.TabularInline):
    model = DeputyPhone
    extra = 0


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ("congress", "station")
    # Ending a mandate is the 终止选中代表资格 action on 代表资格, which goes through mandate_end.
    readonly_fields = ("ended_on", "end_reason")


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "is_active", "phone_numbers", "levels")
    list_filter = ("is_active", "mandates__level")
    search_fields = ("name", "phones__number")
    inlines = [PhoneInline, MandateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mandates__congress", "phones")

    @admin.display(description="电话")
    def phone_numbers(self, obj: Deputy) -> str:
        phones = sorted(obj.phones.all(), key=lambda p: (not p.is_primary, p.id))
        return "、".join(p.number for p in phones)

    @admin.display(description="有效代表资格")
    def levels(self, obj: Deputy) -> str:
        active = [m for m in obj.mandates.all() if m.ended_on is None]
        active.sort(key=lambda m: LEVEL_RANK[m.level])
        return "、".join(f"{m.get_level_display()}·{m.congress.name}" for m in active)

    def changelist_view(self, request, extra_context=None):
        extra = {"can_import": self.has_change_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="deputies_deputy_import"),
            path("template/", view(self.template_view), name="deputies_deputy_template"),
            path("export/", view(self.export_view), name="deputies_deputy_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "title": "导入代表名单",
            "opts": self.model._meta,
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.deputies_import(
                    file=upload,
                    filename=upload.name,
                    actor=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                )
            except services.ImportFailed as exc:
                context.update(
                    error_message=exc.message,
                    errors=exc.errors[:SHOWN_ERRORS],
                    hidden_errors=max(0, len(exc.errors) - SHOWN_ERRORS),
                )
            else:
                if result.dry_run:
                    messages.info(request, result.summary)
                    return TemplateResponse(request, "admin/deputies/deputy/import.html", context)
                messages.success(request, f"导入成功：{result.summary}")
                return redirect("admin:deputies_deputy_changelist")
        return TemplateResponse(request, "admin/deputies/deputy/import.html", context)

    def template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return _download(
            services.template_bytes(), filename="代表名单导入模板.xlsx", content_type=XLSX
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        include_ended = request.GET.get("include_ended") == "1"
        out = io.BytesIO() if fmt == "xlsx" else io.StringIO()
        services.deputies_export(out=out, fmt=fmt, include_ended=include_ended, actor=request.user)
        stamp = timezone.localdate().strftime("%Y%m%d")
        if fmt == "xlsx":
            return _download(out.getvalue(), filename=f"代表名单{stamp}.xlsx", content_type=XLSX)
        return _download(
            out.getvalue().encode("utf-8"),
            filename=f"代表名单{stamp}.csv",
            content_type="text/csv; charset=utf-8",
        )


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ("deputy", "level", "congress", "term", "delegation", "station", "ended_on")
    list_filter = ("level", "congress", ("ended_on", admin.EmptyFieldListFilter))
    search_fields = ("deputy__name", "congress__name", "delegation")
    list_select_related = ("deputy", "congress", "station")
    autocomplete_fields = ("deputy", "congress", "station")
    readonly_fields = ("ended_on", "end_reason")
    actions = ["end_mandates"]

    @admin.action(description="终止选中代表资格", permissions=["change"])
    def end_mandates(self, request, queryset):
        mandates = list(queryset.select_related("deputy", "congress").filter(ended_on__isnull=True))
        if not mandates:
            self.message_user(request, "选中的代表资格都已终止。", messages.WARNING)
            return None
        form = MandateEndForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            ended = 0
            for mandate in mandates:
                try:
                    services.mandate_end(
                        mandate=mandate,
                        ended_on=form.cleaned_data["ended_on"],
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    ended += 1
                except DomainError as exc:
                    self.message_user(
                        request, f"{mandate.deputy.name}：{exc.message}", messages.ERROR
                    )
            if ended:
                self.message_user(request, f"已终止 {ended} 条代表资格。", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "终止代表资格",
            "opts": self.model._meta,
            "mandates": mandates,
            "form": form,
        }
        return TemplateResponse(request, "admin/deputies/mandate/end.html", context)


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "region")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(LiaisonStation)
class LiaisonStationAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "contact_name", "contact_phone")
    search_fields = ("name",)


@admin.register(RegistryChange)
class RegistryChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "actor", "summary")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in RegistryChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
