from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from minyi.adminsite.base import MinyiModelAdmin, ReadOnlyAdmin, masked_phone
from minyi.core import forms as core
from minyi.core.errors import ValidationFailed

from . import rules, texts
from .models import MessageTemplate, Notice, OutboxMessage


def allowed_placeholders(code: str) -> set[str]:
    """The placeholders the rule behind ``code`` provides (all of them for a code no rule
    uses yet)."""
    return set(rules.TEMPLATE_PARAMS.get(code, texts.SAMPLES))


class MessageTemplateForm(core.ModelForm):
    # An SMS provider takes at most 500 characters of template text (Tencent Cloud's limit).
    body = core.TextField(
        label="内容",
        max_length=500,
        widget=forms.Textarea,
        help_text=MessageTemplate._meta.get_field("body").help_text,
    )

    class Meta:
        model = MessageTemplate
        fields = ["code", "name", "channel", "body", "provider_template_code", "is_active"]

    def clean(self):
        cleaned = super().clean()
        body, code = cleaned.get("body"), cleaned.get("code") or getattr(self.instance, "code", "")
        if body:
            try:
                texts.check(body, allowed_placeholders(code))
            except ValidationFailed as exc:
                self.add_error("body", exc.message)
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(MinyiModelAdmin):
    form = MessageTemplateForm
    list_display = ["code", "name", "channel", "is_active", "updated_at"]
    list_filter = ["channel", "is_active"]
    search_fields = ["code", "name", "body"]
    readonly_fields = ["placeholder_help", "preview"]

    class Media:
        css = {"all": ["minyi/admin.css"]}  # the preview's error colour (no inline style: CSP)

    fields = [
        "code",
        "name",
        "channel",
        "body",
        "placeholder_help",
        "preview",
        "provider_template_code",
        "is_active",
    ]

    def get_readonly_fields(self, request, obj=None):
        # the code is what the rules look up: renaming it would silence the message
        return [*self.readonly_fields, "code"] if obj else self.readonly_fields

    @admin.display(description="可用占位符")
    def placeholder_help(self, obj):
        names = sorted(allowed_placeholders(obj.code if obj else ""))
        return format_html_join(
            "，", "<code>{{{}}}</code> {}", ((n, texts.PLACEHOLDER_NAMES[n]) for n in names)
        )

    @admin.display(description="预览（示例数据）")
    def preview(self, obj):
        if not obj or not obj.body:
            return "保存后显示预览"
        try:
            return texts.render(obj.body, texts.SAMPLES)
        except ValidationFailed as exc:
            return format_html('<span class="minyi-danger">{}</span>', exc.message)


class _TemplateFilter(admin.SimpleListFilter):
    """By template, named as the admin names it (the code is the program's word)."""

    title = "消息模板"
    parameter_name = "template_code"

    def lookups(self, request, model_admin):
        return list(MessageTemplate.objects.order_by("code").values_list("code", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(template_code=self.value()) if self.value() else queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "channel",
        "template_code",
        "masked_recipient",
        "recipient_user",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", _TemplateFilter]
    search_fields = ["order__number"]
    raw_id_fields = ["order", "event", "recipient_user"]
    readonly_fields = ["masked_recipient", "masked_key"]
    show_full_result_count = False

    @admin.display(description="接收号码")
    def masked_recipient(self, message: OutboxMessage) -> str:
        return masked_phone(message.recipient_phone)

    @admin.display(description="幂等键")
    def masked_key(self, message: OutboxMessage) -> str:
        head, _, recipient = message.idempotency_key.rpartition(":")
        if recipient.startswith("user:") or not head:
            return message.idempotency_key
        return f"{head}:{masked_phone(recipient)}"


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "text", "read_at"]
    list_filter = ["read_at"]
    raw_id_fields = ["order", "message", "user"]
    show_full_result_count = False
