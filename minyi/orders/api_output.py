"""The API's output serializers: one per response, each built with the request (HackSoft).

What a response shows of the requester is the privacy rule's answer for the request's user
(``minyi.privacy.rules.requester_shown``); a serializer built without a request, or with no
user, shows the requester withheld — it fails closed, never open. When the rule withholds the
requester from the viewer, every string of the response passes through ``Person.redact``, so
a note or a title that names them says 〔保密〕 instead.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from minyi.orders.models import Assignment, OrderEvent, WorkOrder
from minyi.orders.selectors import event_data_shown
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


def _redacted(value, person: rules.Person):
    if isinstance(value, str):
        return person.redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item, person) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item, person) for item in value]
    return value


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


class _OrderOutput(serializers.ModelSerializer):
    """What every order response shares; see the module docstring for the requester."""

    request_type = serializers.CharField(source="request_type.name")
    requester = RequesterField()

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

    def to_representation(self, order: WorkOrder) -> dict:
        data = super().to_representation(order)
        person = person_for(self.context, order)
        return _redacted(data, person) if person.withheld else data


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
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True
    )  # 系统 (the SLA scan)
    data = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ["at", "kind", "actor", "from_status", "to_status", "note", "data"]

    def get_data(self, event: OrderEvent) -> dict:
        return event_data_shown(event.data)


class OrderDetailOutput(_OrderOutput):
    """GET /api/orders/<number>/ — the order with its parts and its timeline."""

    assignments = AssignmentOutput(many=True)
    events = EventOutput(many=True)

    class Meta(_OrderOutput.Meta):
        fields = _OrderOutput.Meta.fields + [
            "content",
            "address",
            "urgency",
            "complexity",
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
