"""The order API: reads, and the logged reveal of a requester. Every user sees exactly
``orders_visible_to(user)``; what of the requester is the privacy rule's (``api_output``).
The actions are in ``minyi.workbench.api`` (same rules as the pages).

``GET  /api/orders/``                  the orders this user may see, newest first (keyset pages)
``GET  /api/orders/<number>/``         one order, its departments and its timeline
``POST /api/orders/<number>/reveal/``  the requester in full — refused unless the rule allows
                                       it, and logged (surface ``api``) when it does
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from minyi.core.access import client_ip
from minyi.core.api_pagination import CursorPagination
from minyi.orders.api_output import OrderDetailOutput, OrderListOutput, RequesterRevealOutput
from minyi.orders.selectors import orders_visible_to
from minyi.privacy.models import Surface
from minyi.privacy.services import RevealRefused, requester_reveal

# what the rule reads of an order (the deputy's name, and numbers to redact) in one go
ORDER_PERSON_RELATED = ("request_type", "deputy")
ORDER_PERSON_PREFETCH = ("deputy__phones",)


def orders_for_api(user):
    return (
        orders_visible_to(user)
        .select_related(*ORDER_PERSON_RELATED)
        .prefetch_related(*ORDER_PERSON_PREFETCH)
    )


class NewestFirst(CursorPagination):
    """Keyset pagination: no COUNT(*) and no OFFSET, so page 1,000 costs what page 1 costs."""

    ordering = ("-created_at", "-id")
    page_size = 50


class OrderList(generics.ListAPIView):
    serializer_class = OrderListOutput
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = NewestFirst

    def get_queryset(self):
        queryset = orders_for_api(self.request.user)
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        return queryset


class OrderDetail(generics.RetrieveAPIView):
    serializer_class = OrderDetailOutput
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"

    def get_queryset(self):
        return orders_for_api(self.request.user).prefetch_related(
            "assignments__department", "events__actor"
        )


class RequesterReveal(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="查看诉求人完整信息（每次查看均记录）",
        request=None,
        responses={
            200: RequesterRevealOutput,
            403: OpenApiResponse(description='{"error", "code": "forbidden"}'),
            404: OpenApiResponse(description='{"error", "code": "not_found"}'),
        },
    )
    def post(self, request, number: str):
        order = orders_for_api(request.user).filter(number=number).first()
        if order is None:
            return Response(
                {"error": "工单不存在或您无权查看。", "code": "not_found"},
                status=status.HTTP_404_NOT_FOUND,
            )
        try:
            person = requester_reveal(
                user=request.user, order=order, surface=Surface.API, ip=client_ip(request)
            )
        except RevealRefused as error:
            return Response(
                {"error": error.message, "code": error.code}, status=status.HTTP_403_FORBIDDEN
            )
        output = RequesterRevealOutput({"number": order.number, "requester": person.as_dict()})
        return Response(output.data)
