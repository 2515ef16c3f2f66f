"""Read-only order API: every user sees exactly ``orders_visible_to(user)``, names and phone
numbers masked. The actions are in ``minyi.workbench.api`` (same rules as the pages)."""

from __future__ import annotations

from rest_framework import generics, permissions, serializers

from minyi.core.api_pagination import CursorPagination
from minyi.core.masking import mask_name, mask_phone
from minyi.orders.models import Assignment, OrderEvent, WorkOrder
from minyi.orders.selectors import orders_visible_to, sees_requester_identity


class AssignmentSerializer(serializers.ModelSerializer):
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


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = OrderEvent
        fields = ["at", "kind", "actor", "from_status", "to_status", "note", "data"]


class OrderListSerializer(serializers.ModelSerializer):
    requester = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    request_type = serializers.CharField(source="request_type.name")

    class Meta:
        model = WorkOrder
        fields = [
            "number",
            "channel",
            "status",
            "request_type",
            "title",
            "requester",
            "phone",
            "warning",
            "supervision",
            "next_due",
            "deadline_provisional",
            "created_at",
        ]

    def _hidden(self, order: WorkOrder) -> bool:
        request = self.context.get("request")
        return request is not None and not sees_requester_identity(request.user, order)

    def get_requester(self, order: WorkOrder) -> str:
        if self._hidden(order):
            return "举报人信息保密"
        return "匿名" if order.is_anonymous else mask_name(order.requester_name)

    def get_phone(self, order: WorkOrder) -> str:
        if self._hidden(order) or not order.requester_phone:
            return ""
        return mask_phone(order.requester_phone)


class OrderDetailSerializer(OrderListSerializer):
    assignments = AssignmentSerializer(many=True)
    events = EventSerializer(many=True)

    class Meta(OrderListSerializer.Meta):
        fields = OrderListSerializer.Meta.fields + [
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


class NewestFirst(CursorPagination):
    """Keyset pagination: no COUNT(*) and no OFFSET, so page 1,000 costs what page 1 costs."""

    ordering = ("-created_at", "-id")
    page_size = 50


class OrderList(generics.ListAPIView):
    serializer_class = OrderListSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NewestFirst

    def get_queryset(self):
        queryset = orders_visible_to(self.request.user).select_related("request_type")
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        return queryset


class OrderDetail(generics.RetrieveAPIView):
    serializer_class = OrderDetailSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"

    def get_queryset(self):
        return (
            orders_visible_to(self.request.user)
            .select_related("request_type")
            .prefetch_related("assignments__department", "events__actor")
        )
