"""The API's output serializers: one per response, each built with the request (HackSoft).

What a response shows of the requester is the privacy rule's answer for the request's user
(``minyi.privacy.rules.requester_shown``); a serializer built without a request, or with no
user, shows the requester withheld — it fails closed, never open. Each text is read through the
rule field by field, by who wrote it: the order's title, content and address (the hotline's)
through ``Person.redact``, an event's note and data through ``Person.redact_from`` with the
event's actor — so a note that names a withheld requester says 〔保密〕, and what the viewer's
own department wrote comes back as it was typed. The channel is ``null`` when the rule withholds
it (a report shown to a department).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minyi.orders.models import Assignment, Channel, OrderEvent, WorkOrder
from minyi.orders.selectors import event_read, links_hidden
from minyi.privacy import rules


def viewer(context: dict):
    """The user the response is for; None (withheld) when the serializer has no request."""
    return getattr(context.get("request"), "user", None)


def person_for(context: dict, order: WorkOrder) -> rules.Person:
    """The rule's answer for this response's user, computed once per order and response."""
    people = context.setdefault("_people", {})
    if order.pk not in people:
        people[order.pk] = rules.requester_shown(viewer(context), order)
    return people[order.pk]


def hidden_for(context: dict, order: WorkOrder) -> set[int]:
    """The merged orders this response's user may not see ``order`` linked to, once per order."""
    hidden = context.setdefault("_hidden_links", {})
    if order.pk not in hidden:
        hidden[order.pk] = links_hidden(viewer(context), order)
    return hidden[order.pk]


class PersonOutput(serializers.Serializer):
    """The requester as the rule lets this user see them (one shape everywhere)."""

    shown = serializers.ChoiceField(choices=[s.value for s in rules.Shown])
    label = serializers.CharField(help_text="列表与标题显示的一行：脱敏姓名、匿名、举报人信息保密…")
    name = serializers.CharField(help_text="脱敏或完整姓名；不可见时为空")
    phone = serializers.CharField(help_text="脱敏或完整号码（不含 +86）；不可见时为空")
    deputy = serializers.CharField(
        allow_null=True, help_text="反映代表姓名；不可见或无代表时为 null"
    )


@extend_schema_field(PersonOutput)
class RequesterField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, order: WorkOrder) -> dict:
        return person_for(self.context, order).as_dict()


@extend_schema_field(OpenApiTypes.STR)
class HotlineText(serializers.Field):
    """A text the hotline wrote on the order (title, content, address), as the rule lets this
    user read it (``Person.redact``)."""

    def __init__(self, attribute: str, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)
        self.attribute = attribute

    def to_representation(self, order: WorkOrder) -> str:
        return person_for(self.context, order).redact(getattr(order, self.attribute))


@extend_schema_field(
    {"type": "string", "enum": Channel.values, "nullable": True},
)
class ChannelField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "来源渠道；举报工单对承办单位不显示（null），以免从代表来电推知举报人",
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, order: WorkOrder) -> str | None:
        return person_for(self.context, order).channel


class _OrderOutput(serializers.ModelSerializer):
    """What every order response shares; see the module docstring for the requester."""

    request_type = serializers.CharField(source="request_type.name")
    requester = RequesterField()
    channel = ChannelField()
    title = HotlineText("title")

    class Meta:
        model = WorkOrder
        fields = [
            "number",
            "channel",
            "status",
            "request_type",
            "title",
            "requester",
            "warning",
            "supervision",
            "next_due",
            "deadline_provisional",
            "created_at",
        ]
        read_only_fields = fields


class OrderListOutput(_OrderOutput):
    """GET /api/orders/ — one row."""


class AssignmentOutput(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "department",
            "role",
            "status",
            "dispatched_at",
            "signed_at",
            "sign_due",
            "sign_due_provisional",
            "reply_due",
            "reply_due_provisional",
            "replied_at",
        ]


class EventOutput(serializers.ModelSerializer):
    """One event of the order's timeline; its note and data as the privacy rule lets this user
    read them (a name it withholds is cut from text others wrote, as 〔保密〕)."""

    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True
    )  # 系统 (the SLA scan)
    # both read in to_representation (minyi.orders.selectors.event_read)
    note = serializers.CharField(read_only=True, help_text="说明")
    data = serializers.DictField(read_only=True, help_text="数据（只含可公开的键）")

    class Meta:
        model = OrderEvent
        fields = ["at", "kind", "actor", "from_status", "to_status", "note", "data"]

    def to_representation(self, event: OrderEvent) -> dict:
        data = super().to_representation(event)
        order = event.order  # the order being shown (set by the prefetch, no query)
        person = person_for(self.context, order)
        data["note"], data["data"] = event_read(event, person, hidden_for(self.context, order))
        return data


class OrderDetailOutput(_OrderOutput):
    """GET /api/orders/<number>/ — the order with its parts and its timeline."""

    content = HotlineText("content")
    address = HotlineText("address")
    assignments = AssignmentOutput(many=True)
    events = EventOutput(many=True)

    class Meta(_OrderOutput.Meta):
        fields = _OrderOutput.Meta.fields + [
            "content",
            "address",
            "urgency",
            "complexity",
            "dispatch_due",
            "sign_due",
            "return_due",
            "reply_due",
            "assignments",
            "events",
        ]
        read_only_fields = fields


class OrderActionOutput(serializers.Serializer):
    """POST /api/orders/<number>/actions/<action>/ — what happened, and the order as the GET
    shows it to the same user afterwards."""

    message = serializers.CharField()
    order = OrderDetailOutput()


class RequesterRevealOutput(serializers.Serializer):
    """POST /api/orders/<number>/reveal/ — the full requester (this view is logged)."""

    number = serializers.CharField()
    requester = PersonOutput()
