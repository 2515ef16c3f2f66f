"""码上找代表 in the admin, read-only, for the system administrator (``accounts/duties.py``):

- 选民留言: state, deputy, station, holder, times and the kinds of its events; the citizen only as
  ``minyi.mashang.privacy.citizen_shown`` gives them (name or 匿名, phone masked). The message's
  text, the answer and the events' texts are not shown here, and the citizen's fields are
  protected (``adminsite/protected.py``): never searched, filtered or sorted by.
- 屏蔽号码: the masked number, the station, who blocked and lifted it, when and why.
"""

from __future__ import annotations

from django.contrib import admin

from minyi.adminsite.base import ReadOnlyAdmin, ReadOnlyInline
from minyi.mashang.models import (
    BlockedPhone,
    Holder,
    Message,
    MessageEvent,
    MessageStatus,
)
from minyi.mashang.privacy import citizen_shown
from minyi.orders.admin import ViewerAware

STATUS = dict(MessageStatus.choices)
HOLDER = dict(Holder.choices)


def _viewer(obj):
    return getattr(obj, "admin_viewer", None)


def _citizen_text(user, message: Message) -> str:
    citizen = citizen_shown(user, message)
    return " ".join(part for part in (citizen.label, citizen.phone) if part) or "—"


class MessageEventInline(ReadOnlyInline):
    """The message's events, without their texts (answers, notes are the citizen's matter)."""

    model = MessageEvent
    fields = ("at", "kind", "actor", "before", "after", "held_by")
    readonly_fields = fields
    ordering = ("at", "id")

    @admin.display(description="原状态")
    def before(self, event: MessageEvent) -> str:
        return STATUS.get(event.from_status, "—")

    @admin.display(description="新状态")
    def after(self, event: MessageEvent) -> str:
        return STATUS.get(event.to_status, "—")

    @admin.display(description="办理方")
    def held_by(self, event: MessageEvent) -> str:
        return HOLDER.get(event.holder, "—")


@admin.register(Message)
class MessageAdmin(ViewerAware, ReadOnlyAdmin):
    exclude = ("content", "content_digest", "answer")
    list_filter = ("status", "holder", "flagged")
    search_fields = ("tracking_code", "deputy__name")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = ("deputy", "station")
    inlines = [MessageEventInline]
    readonly_fields = ("citizen",)

    def get_list_display(self, request):
        user = request.user

        @admin.display(description="留言人")
        def citizen(message: Message) -> str:
            return _citizen_text(user, message)

        return ("tracking_code", "deputy", "station", citizen, "status", "holder", "created_at")

    @admin.display(description="留言人")
    def citizen(self, message: Message) -> str:
        return _citizen_text(_viewer(message), message)


@admin.register(BlockedPhone)
class BlockedPhoneAdmin(ReadOnlyAdmin):
    exclude = ("phone_digest",)
    list_display = ("phone_masked", "station", "reason", "blocked_by", "blocked_at", "lifted_at")
    list_filter = ("station",)
    list_select_related = ("station", "blocked_by")
