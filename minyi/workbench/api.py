"""The workbench actions in the JSON API: the same rule, form and service as the pages.

``GET  /api/orders/<number>/actions/``          the actions this user may take on the order now
``POST /api/orders/<number>/actions/<action>/`` take one (JSON body, or multipart for a file)

Refusals are structured: 404 ``not_found`` (the order is not visible to this user — the same
answer as an order that does not exist), 403 ``forbidden`` (visible, but not this action now),
400 ``invalid`` with ``fields`` (the form) or the domain error's code and Chinese message.

An ``Idempotency-Key: <uuid>`` header makes a retry harmless (minyi/core/idempotency.py): the
same key again answers the first answer with ``Idempotent-Replayed: true`` and does nothing; the
same key with another action or body is 422 ``idempotency_key_reused``; a key that is not a UUID
is 400 ``idempotency_key_malformed``. Without the header every request acts.
"""

from __future__ import annotations

from django.http import QueryDict
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from minyi.core import idempotency
from minyi.core.errors import DomainError
from minyi.orders.api import ORDER_PERSON_PREFETCH, ORDER_PERSON_RELATED
from minyi.orders.api_output import OrderActionOutput
from minyi.orders.models import WorkOrder
from minyi.orders.selectors import orders_visible_to
from minyi.workbench import permissions
from minyi.workbench.action_views import ACTIONS, in_usual_order

REPLAYED = "Idempotent-Replayed"
_ORDER_RELATED = ("request_type", "deputy", "category", "region", "reject_reason", "master")


def _error(code: str, message: str, http_status: int, **extra) -> Response:
    return Response({"error": message, "code": code, **extra}, status=http_status)


def _visible(request, number: str) -> WorkOrder | None:
    return (
        orders_visible_to(request.user)
        .select_related(*_ORDER_RELATED)
        .filter(number=number)
        .first()
    )


def _form_data(request) -> QueryDict:
    """A JSON body becomes form data (lists stay lists, so several assisting departments work)."""
    if isinstance(request.data, QueryDict):
        return request.data
    data = QueryDict(mutable=True)
    for key, value in (request.data or {}).items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif isinstance(value, bool):
            data[key] = "on" if value else ""
        elif value is not None:
            data[key] = str(value)
    return data


class OrderActions(APIView):
    permission_classes = [drf_permissions.IsAuthenticated]

    @extend_schema(
        summary="当前用户可对工单执行的操作",
        responses={
            200: inline_serializer(
                "OrderActions",
                {"number": serializers.CharField(), "actions": serializers.ListField()},
            ),
            404: OpenApiResponse(description='{"error", "code": "not_found"}'),
        },
    )
    def get(self, request, number: str):
        order = _visible(request, number)
        if order is None:
            return _error("not_found", "工单不存在或您无权查看。", status.HTTP_404_NOT_FOUND)
        ctx = permissions.order_context(request.user, order)
        return Response(
            {
                "number": order.number,
                "actions": in_usual_order(
                    permissions.allowed_actions(request.user, ctx), order.status
                ),
            }
        )


class OrderAction(APIView):
    permission_classes = [drf_permissions.IsAuthenticated]

    @extend_schema(
        summary="执行工单操作（与工作台页面同一规则、同一服务）",
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS)),
            OpenApiParameter(
                idempotency.HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="UUID；同一用户以同一标识重复提交时返回首次的结果，不再执行",
            ),
        ],
        request=inline_serializer(
            "OrderActionBody", {"note": serializers.CharField(required=False)}
        ),
        responses={
            200: OrderActionOutput,
            400: OpenApiResponse(description='{"error", "code", "fields"}'),
            403: OpenApiResponse(description='{"error", "code": "forbidden"}'),
            404: OpenApiResponse(description='{"error", "code": "not_found"}'),
            422: OpenApiResponse(description='{"error", "code": "idempotency_key_reused"}'),
        },
    )
    def post(self, request, number: str, action: str):
        spec = ACTIONS.get(action)
        if spec is None:
            return _error("not_found", f"没有“{action}”这个操作。", status.HTTP_404_NOT_FOUND)
        try:
            key = idempotency.header_key(request)
        except idempotency.KeyMalformed as error:
            return _error(error.code, error.message, status.HTTP_400_BAD_REQUEST)
        data = _form_data(request)
        try:
            once = idempotency.perform_once(
                key=key,
                actor=request.user,
                scope=f"order {number} {action}",
                fingerprint=idempotency.fingerprint(data, request.FILES),
                perform=lambda: _perform(request, number, action, spec, data),
            )
        except idempotency.Refused as refused:
            return refused.answer
        except idempotency.KeyReused as error:
            return _error(error.code, error.message, status.HTTP_422_UNPROCESSABLE_ENTITY)
        # the order as the GET shows it to this user now: the same output, built with the request
        order = (
            WorkOrder.objects.select_related(*ORDER_PERSON_RELATED)
            .prefetch_related(*ORDER_PERSON_PREFETCH, "assignments__department", "events__actor")
            .get(number=once.result["order"])
        )
        output = OrderActionOutput(
            {"message": once.result["message"], "order": order}, context={"request": request}
        )
        response = Response(output.data)
        if once.repeated:  # answered from the first request with this key; nothing done now
            response[REPLAYED] = "true"
        return response


def _perform(request, number: str, action: str, spec, data) -> dict:
    order = _visible(request, number)
    if order is None:
        raise idempotency.Refused(
            _error("not_found", "工单不存在或您无权查看。", status.HTTP_404_NOT_FOUND)
        )
    ctx = permissions.order_context(request.user, order)
    if not permissions.allowed(action, request.user, ctx):
        raise idempotency.Refused(
            _error("forbidden", "您现在不能对该工单执行此操作。", status.HTTP_403_FORBIDDEN)
        )
    form = spec.form(data, request.FILES, ctx=ctx, action=action)
    form.fields.pop(idempotency.FIELD, None)  # the API's key is the header
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        raise idempotency.Refused(
            _error("invalid", "提交的内容有误。", status.HTTP_400_BAD_REQUEST, fields=fields)
        )
    try:
        message = spec.perform(ctx, form.cleaned_data, request.user)
    except DomainError as error:
        raise idempotency.Refused(
            _error(error.code, error.message, status.HTTP_400_BAD_REQUEST)
        ) from None
    return {"message": message, "order": order.number}
