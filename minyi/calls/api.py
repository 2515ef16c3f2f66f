"""``POST /api/cti/events``: the PBX reports ring / answer / hangup (Bearer token)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http.request import RawPostDataException
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from minyi.calls.models import PBX_EVENTS, CallLog, CallStatus, CtiToken
from minyi.calls.services import call_event_receive, cti_token_authenticate
from minyi.core import api_fields, metrics, timefmt
from minyi.core.errors import DomainError
from minyi.core.json_input import JsonInputError, parse_json


class CtiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; the token is compared by its SHA-256 digest."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, plain = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not plain.strip():
            raise exceptions.AuthenticationFailed("Authorization 头应为 “Bearer <令牌>”。")
        token = cti_token_authenticate(plain.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已吊销。")
        return (AnonymousUser(), token)

    def authenticate_header(self, request) -> str:
        return self.keyword


class CtiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "minyi.calls.api.CtiTokenAuthentication"
    name = "ctiBearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "manage.py cti_token create"}


class HasCtiToken(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, CtiToken)


class _Text(serializers.CharField):
    """A string field where null means "not sent" (hidden caller IDs arrive as null)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, allow_null=True, default="", **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data) if data is not None else ""


def _event_fields() -> dict:
    return {
        "event": serializers.ChoiceField(choices=[e.value for e in PBX_EVENTS]),
        "call_id": serializers.CharField(max_length=64),
        "from": _Text(max_length=64),
        "to": _Text(max_length=32),
        "agent": _Text(max_length=64),
        "at": api_fields.DateTimeField(required=False, allow_null=True, default=None),
    }


# ``from`` is a Python keyword, hence the class built from a dict.
CtiEventSerializer = type("CtiEventSerializer", (serializers.Serializer,), _event_fields())


def _call_state_schema():
    """The 200 body in the OpenAPI document (what ``call_state`` returns)."""
    s = serializers
    deputy = inline_serializer(
        "DeputyCard",
        {
            "id": s.IntegerField(),
            "name": s.CharField(),
            "levels": s.ListField(child=s.CharField()),
            "banner": s.CharField(),
            "greeting": s.CharField(),
        },
        allow_null=True,
    )
    moment = {"allow_null": True}
    return inline_serializer(
        "CallState",
        {
            "call_id": s.CharField(),
            "status": s.ChoiceField(choices=CallStatus.choices),
            "status_display": s.CharField(),
            "caller": s.CharField(allow_null=True),
            "agent": s.CharField(allow_null=True),
            "agent_user": s.CharField(allow_null=True),
            "rang_at": s.DateTimeField(**moment),
            "answered_at": s.DateTimeField(**moment),
            "ended_at": s.DateTimeField(**moment),
            "ring_seconds": s.IntegerField(allow_null=True),
            "talk_seconds": s.IntegerField(allow_null=True),
            "callback_todo": s.BooleanField(),
            "deputy": deputy,
        },
    )


def call_state(call: CallLog) -> dict:
    card = getattr(call, "deputy_card", None)

    def iso(value):
        return timefmt.iso(value) if value else None

    return {
        "call_id": call.call_id,
        "status": call.status,
        "status_display": call.get_status_display(),
        "caller": call.caller or None,
        "agent": call.agent_raw or None,
        "agent_user": call.agent.username if call.agent_id else None,
        "rang_at": iso(call.rang_at),
        "answered_at": iso(call.answered_at),
        "ended_at": iso(call.ended_at),
        "ring_seconds": call.ring_seconds,
        "talk_seconds": call.talk_seconds,
        "callback_todo": call.is_callback_todo,
        "deputy": card.as_dict() if card else None,
    }


def error_body(message: str, code: str, fields: dict | None = None) -> dict:
    body = {"error": message, "code": code}
    if fields is not None:
        body["fields"] = fields
    return body


def _flatten(detail) -> dict:
    return {
        name: " ".join(str(m) for m in (msgs if isinstance(msgs, list) else [msgs]))
        for name, msgs in detail.items()
    }


class CtiEvents(APIView):
    authentication_classes = [CtiTokenAuthentication]
    permission_classes = [HasCtiToken]
    parser_classes: list = []  # the body is read as JSON whatever the PBX's Content-Type says

    def get_exception_handler(self):
        return self.handle_error

    def dispatch(self, request, *args, **kwargs):
        # the whole view, refusals included: minyi_cti_webhook_duration_seconds (/metrics)
        with metrics.CTI_WEBHOOK_SECONDS.time():
            return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def handle_error(exc, context):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            message = (
                "缺少 Authorization: Bearer 令牌。"
                if isinstance(exc, exceptions.NotAuthenticated)
                else str(exc.detail)
            )
            return Response(
                error_body(message, "unauthorized"),
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if isinstance(exc, exceptions.PermissionDenied):
            return Response(
                error_body("缺少有效的 CTI 令牌。", "unauthorized"),
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if isinstance(exc, exceptions.APIException):
            return Response(error_body(str(exc.detail), exc.default_code), status=exc.status_code)
        return None

    @extend_schema(
        summary="CTI 来电事件",
        # The view reads its body itself (no parser classes), so the media type is named here.
        request={"application/json": inline_serializer("CtiEvent", _event_fields())},
        responses={
            200: OpenApiResponse(
                _call_state_schema(), description="来电当前状态；ring 时 deputy 为代表信息或 null"
            ),
            400: OpenApiResponse(description='{"error", "code": "invalid", "fields"}'),
            401: OpenApiResponse(description='{"error", "code": "unauthorized"}'),
        },
    )
    def post(self, request):
        try:
            data = parse_json(request.body)
        except JsonInputError as error:  # the PBX's contract: every bad body is "invalid"
            if error.status != 400:
                return Response(error_body(error.message, error.code), status=error.status)
            return self.invalid(error.message, {})
        except RawPostDataException:  # sent as multipart: the guard has read it as a form
            return self.invalid("请求体应为 JSON 对象（{…}）。", {})
        serializer = CtiEventSerializer(data=data)
        if not serializer.is_valid():
            return self.invalid("事件内容有误。", _flatten(serializer.errors))
        values = serializer.validated_data
        try:
            call = call_event_receive(
                event=values["event"],
                call_id=values["call_id"],
                caller=values["from"],
                called=values["to"],
                agent=values["agent"],
                at=values["at"],
                token=request.auth,
                payload=data,
            )
        except DomainError as error:
            return self.invalid(error.message, {}, code=error.code)
        return Response(call_state(call))

    @staticmethod
    def invalid(message: str, fields: dict, code: str = "invalid") -> Response:
        return Response(error_body(message, code, fields), status=status.HTTP_400_BAD_REQUEST)
