"""Registry admin. Imports, exports and ending a mandate go through the services, so each is
validated as a whole and leaves an audit row."""

from __future__ import annotations

import io
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from minyi.accounts import duties
from minyi.adminsite.base import MinyiModelAdmin, MinyiTabularInline, ReadOnlyAdmin, masked_phone
from minyi.core import clock, timefmt
from minyi.core import forms as core
from minyi.core.access import client_ip
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
    ProfessionalGroup,
    RegistryChange,
)
from minyi.deputies.phones import PhoneError, normalize_phone
from minyi.mashang.services import code_regenerate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 200


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@admin.action(description="重新生成码上找代表二维码（挂失补卡）", permissions=["change"])
def regenerate_mashang_codes(modeladmin, request, queryset):
    """A lost card: each selected deputy's or station's code retires (its page answers 404) and
    a new one is issued; each is a row in 代表名单变更记录."""
    codes = [code_regenerate(owner, actor=request.user) for owner in queryset]
    lines = "；".join(f"{code.owner}：/m/{code.code}" for code in codes)
    modeladmin.message_user(
        request,
        f"已为 {len(codes)} 个对象重新生成二维码，原二维码已停用（{lines}）。",
        messages.SUCCESS,
    )


class PhoneForm(core.ModelForm):
    """A deputy's number is write-only here: the row shows it masked, and 新号码 replaces it
    (or gives a new row its number). The full number is a logged reveal (显示完整信息).

    The form only checks; ``PhoneInline.save_phones`` hands each change to the registry
    services, which record it. It never saves by itself."""

    new_number = forms.CharField(
        label="新号码",
        required=False,
        max_length=40,
        help_text="填写则替换原号码；新增号码必填。手机号或带区号的固定电话。",
    )

    class Meta:
        model = DeputyPhone
        fields = ["is_primary"]

    def clean_new_number(self):
        """The number as typed (the service stores it beside its E.164 form), once checked."""
        raw = self.cleaned_data["new_number"].strip()
        if not raw:
            if self.instance.pk is None and self.has_changed():
                raise forms.ValidationError("请填写号码。")
            return ""
        try:
            number = normalize_phone(raw)
        except PhoneError as error:
            raise forms.ValidationError(error.message) from None
        taken = DeputyPhone.objects.filter(number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(services.TAKEN)
        self.number = number
        return raw

    def save(self, commit=True):
        raise NotImplementedError("代表电话只经 minyi.deputies.services 保存（每次变更都有记录）。")


class PhoneFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            number = getattr(form, "number", None)
            if number is None or self._should_delete_form(form):
                continue
            if number in seen:
                raise forms.ValidationError("同一号码填写了两次。")
            seen.add(number)


class PhoneInline(MinyiTabularInline):
    model = DeputyPhone
    form = PhoneForm
    formset = PhoneFormSet
    extra = 0
    fields = ("masked_number", "new_number", "is_primary")
    readonly_fields = ("masked_number",)

    @admin.display(description="号码")
    def masked_number(self, phone: DeputyPhone) -> str:
        return masked_phone(phone.number) if phone.pk else "—"

    @staticmethod
    def save_phones(formset, *, deputy: Deputy, actor) -> None:
        """Each change of the inline through its service: removed rows first (a number may
        move to a new row), then replaced and new numbers, then the primary flags. Fills what
        the admin's change history reads (``new_objects`` …), as ``formset.save()`` would."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        kept = []
        for form in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(form):
                services.deputy_phone_remove(phone=form.instance, actor=actor)
                formset.deleted_objects.append(form.instance)
            elif form.has_changed():
                kept.append(form)
        added = []
        for form in formset.extra_forms:
            if form.has_changed() and not formset._should_delete_form(form):
                primary = form.cleaned_data.get("is_primary", False)
                raw = form.cleaned_data["new_number"]
                phone = services.deputy_phone_add(deputy=deputy, raw=raw, actor=actor)
                added.append((phone, primary))
                formset.new_objects.append(phone)
        for form in kept:
            phone, changed = form.instance, []
            if form.cleaned_data.get("new_number"):
                raw = form.cleaned_data["new_number"]
                phone = services.deputy_phone_replace(phone=phone, raw=raw, actor=actor)
                changed.append("new_number")
            if "is_primary" in form.changed_data:
                primary = form.cleaned_data["is_primary"]
                services.deputy_phone_set_primary(phone=phone, primary=primary, actor=actor)
                changed.append("is_primary")
            formset.changed_objects.append((phone, changed))
        for phone, primary in added:
            if primary and not phone.is_primary:
                services.deputy_phone_set_primary(phone=phone, primary=True, actor=actor)


class MandateInline(MinyiTabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ("congress", "station")
    # Ending a mandate is the 终止选中代表资格 action on 代表资格, which goes through mandate_end.
    readonly_fields = ("ended_on", "end_reason")


@admin.register(Deputy)
class DeputyAdmin(MinyiModelAdmin):
    list_display = ("name", "gender", "is_active", "phone_numbers", "levels")
    list_filter = ("is_active", "mandates__level")
    search_fields = ("name",)
    inlines = [PhoneInline, MandateInline]
    actions = [regenerate_mashang_codes]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mandates__congress", "phones")

    def save_formset(self, request, form, formset, change):
        if formset.model is not DeputyPhone:
            return super().save_formset(request, form, formset, change)
        try:
            PhoneInline.save_phones(formset, deputy=form.instance, actor=request.user)
        except DomainError as error:  # a number taken meanwhile: nothing of the page is saved
            raise PermissionDenied(error.message) from None

    @staticmethod
    def _phones(obj: Deputy) -> list[DeputyPhone]:
        return sorted(obj.phones.all(), key=lambda p: (not p.is_primary, p.id))

    @admin.display(description="电话")
    def phone_numbers(self, obj: Deputy) -> str:
        return "、".join(masked_phone(p.number) for p in self._phones(obj))

    def revealed_values(self, obj: Deputy) -> list[tuple[str, str]]:
        return [("电话", "、".join(p.number.removeprefix("+86") for p in self._phones(obj)))]

    @admin.display(description="有效代表资格")
    def levels(self, obj: Deputy) -> str:
        active = [m for m in obj.mandates.all() if m.ended_on is None]
        active.sort(key=lambda m: LEVEL_RANK[m.level])
        return "、".join(f"{m.get_level_display()}·{m.congress.name}" for m in active)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "can_import": self.has_change_permission(request),
            "can_export": duties.may_reveal(request.user, self.opts.label_lower),
            **(extra_context or {}),
        }
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
        # The file holds every number in full: the same duty as a reveal, and logged like one.
        if not (
            self.has_view_permission(request)
            and duties.may_reveal(request.user, self.opts.label_lower)
        ):
            raise PermissionDenied
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        include_ended = request.GET.get("include_ended") == "1"
        out = io.BytesIO() if fmt == "xlsx" else io.StringIO()
        services.deputies_export(
            out=out,
            fmt=fmt,
            include_ended=include_ended,
            actor=request.user,
            ip=client_ip(request),
        )
        stamp = timefmt.compact_day(clock.now())
        if fmt == "xlsx":
            return _download(out.getvalue(), filename=f"代表名单{stamp}.xlsx", content_type=XLSX)
        return _download(
            out.getvalue().encode("utf-8"),
            filename=f"代表名单{stamp}.csv",
            content_type="text/csv; charset=utf-8",
        )


@admin.register(Mandate)
class MandateAdmin(MinyiModelAdmin):
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
class CongressAdmin(MinyiModelAdmin):
    list_display = ("name", "level", "region")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(LiaisonStation)
class LiaisonStationAdmin(MinyiModelAdmin):
    list_display = ("name", "region", "contact_name", "contact_phone")
    search_fields = ("name",)
    actions = [regenerate_mashang_codes]


@admin.register(ProfessionalGroup)
class ProfessionalGroupAdmin(MinyiModelAdmin):
    """代表专业小组: the clue library (minyi/clues) gives a clue to one; its deputies see it."""

    list_display = ("name", "member_count")
    search_fields = ("name",)
    autocomplete_fields = ("deputies",)

    @admin.display(description="成员人数")
    def member_count(self, group: ProfessionalGroup) -> int:
        return group.deputies.count()


@admin.register(RegistryChange)
class RegistryChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "actor", "summary")
    list_filter = ("kind",)
