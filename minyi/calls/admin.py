"""Tokens are created and revoked through the services (the hash is never shown); call logs
are read-only."""

from __future__ import annotations

from django.contrib import admin, messages

from minyi.accounts.models import Role, User
from minyi.adminsite.base import (
    MinyiModelAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    masked_payload,
    masked_phone,
)
from minyi.calls.models import AgentMapping, CallEvent, CallLog, CtiToken
from minyi.calls.services import cti_token_create, cti_token_revoke
from minyi.core import timefmt
from minyi.core.errors import DomainError


@admin.register(CtiToken)
class CtiTokenAdmin(MinyiModelAdmin):
    list_display = ("name", "prefix_display", "is_active", "created_at", "last_used_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name",)
        return ("name", "prefix_display", "is_active", "created_at", "last_used_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the events keep pointing at the token

    @admin.display(description="令牌前缀")
    def prefix_display(self, token: CtiToken) -> str:
        return f"{token.prefix}…"

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing is editable after creation
        try:
            token, plain = cti_token_create(name=obj.name)
        except DomainError as error:
            # The form's unique check normally catches this first.
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        self.message_user(
            request,
            f"令牌已创建，只显示这一次，请立即配置到 PBX：{plain}",
            messages.WARNING,
        )

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        for token in queryset:
            cti_token_revoke(token=token)
        self.message_user(request, f"已吊销 {queryset.count()} 个令牌。")


@admin.register(AgentMapping)
class AgentMappingAdmin(MinyiModelAdmin):
    list_display = ("extension", "user")
    search_fields = ("extension", "user__username", "user__last_name", "user__first_name")
    list_select_related = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=Role.OPERATOR, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MatchedFilter(admin.SimpleListFilter):
    title = "代表来电"
    parameter_name = "matched"

    def lookups(self, request, model_admin):
        return [("yes", "已识别为代表"), ("no", "群众来电")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deputy__isnull=False)
        if self.value() == "no":
            return queryset.filter(deputy__isnull=True)
        return queryset


class CallbackFilter(admin.SimpleListFilter):
    title = "回拨"
    parameter_name = "callback"

    def lookups(self, request, model_admin):
        return [("open", "代表未接来电·待回拨"), ("done", "已回拨")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.missed_deputy_open()
        if self.value() == "done":
            return queryset.filter(callback_done_at__isnull=False)
        return queryset


class CallEventInline(ReadOnlyInline):
    model = CallEvent
    fields = ("event", "at", "received_at", "duplicate", "actor", "masked_payload")
    readonly_fields = fields

    @admin.display(description="内容")
    def masked_payload(self, event: CallEvent) -> str:
        return masked_payload(event.payload)


@admin.register(CallLog)
class CallLogAdmin(ReadOnlyAdmin):
    list_display = (
        "call_id",
        "started_local",
        "masked_caller",
        "deputy",
        "status",
        "agent",
        "ring_seconds",
        "talk_seconds",
        "order",
        "callback_done_at",
    )
    list_filter = ("status", MatchedFilter, CallbackFilter)
    search_fields = ("call_id", "deputy__name")
    date_hierarchy = "started_at"
    list_select_related = ("deputy", "agent", "order")
    show_full_result_count = False
    readonly_fields = ("masked_caller",)
    inlines = [CallEventInline]

    @admin.display(description="来电时间", ordering="started_at")
    def started_local(self, call: CallLog) -> str:
        return timefmt.local_text(call.started_at, seconds=True)

    @admin.display(description="主叫号码")
    def masked_caller(self, call: CallLog) -> str:
        if call.caller:
            return masked_phone(call.caller)
        return "隐藏号码" if not call.caller_raw else masked_phone(call.caller_raw)
