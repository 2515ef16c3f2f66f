"""码上找代表's public JSON API, for a city's own app or mini program: the same loop as the
pages (minyi/mashang/citizen_views.py), the same services, the same rate limits.

``POST /api/public/sms-codes``                          ``{"phone"}`` → 202 ``{"expires_in"}``
``POST /api/public/messages``                           → 201 ``{"tracking_code"}``
``GET  /api/public/messages/<tracking_code>?phone=…``   → 200 the progress; 404 for a wrong phone
``POST /api/public/messages/<tracking_code>/rating``    ``{"phone", "answered", "rating"}`` → 200

No log-in and so no CSRF (nothing here acts on a session). Errors: ``{"error", "code"}`` (+
``fields``); 429 ``rate_limited`` with ``Retry-After``. An ``Idempotency-Key: <uuid>`` header
on a POST makes a retry answer the first answer (``Idempotent-Replayed: true``) and do nothing.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from minyi.core import idempotency
from minyi.core.access import client_ip
from minyi.core.errors import DomainError
from minyi.deputies.models import Deputy
from minyi.mashang import ratelimits
from minyi.mashang.forms import field_of
from minyi.mashang.models import TRACKING_LENGTH, Rating
from minyi.mashang.progress import progress_of
from minyi.mashang.selectors import message_for_citizen
from minyi.mashang.services.messages import message_create, message_fields, message_rate
from minyi.mashang.services.verification import TooMany, sms_code_issue
from minyi.mashang.views import found_code

REPLAYED = "Idempotent-Replayed"
NOT_FOUND = "没有找到这条留言：请核对查询码和手机号码。"
# refusals of the rating that are about the message's state, not the request's content
CONFLICTS = frozenset({"already_rated", "not_answered_yet"})


class _NotFound(DomainError):
    code = "not_found"


def _error(code: str, message: str, http_status: int, **extra) -> Response:
    return Response({"error": message, "code": code, **extra}, status=http_status)


def _refused(error: DomainError) -> Response:
    if isinstance(error, TooMany):
        response = _error(error.code, error.message, status.HTTP_429_TOO_MANY_REQUESTS)
        response["Retry-After"] = str(error.retry_after)
        return response
    if error.code in CONFLICTS:
        return _error(error.code, error.message, status.HTTP_409_CONFLICT)
    if isinstance(error, _NotFound):
        return _error(error.code, error.message, status.HTTP_404_NOT_FOUND)
    field = field_of(error.code)
    extra = {"fields": {field: [error.message]}} if field else {}
    return _error(error.code, error.message, status.HTTP_400_BAD_REQUEST, **extra)


class PublicView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    rate_kind = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        ratelimits.check_rate(request, self.rate_kind)

    def handle_exception(self, exc):
        if isinstance(exc, DomainError):
            return _refused(exc)
        return super().handle_exception(exc)

    def once(self, request, scope: str, perform, answer=None) -> Response:
        """``perform`` (returning ``(status, body)``) once per ``Idempotency-Key``. The key row
        keeps ``body``, so it holds no personal data: ``answer`` turns it into the response
        (read afresh, the first time and on a replay)."""
        try:
            key = idempotency.header_key(request)
        except idempotency.KeyMalformed as error:
            return _error(error.code, error.message, status.HTTP_400_BAD_REQUEST)
        data = request.data
        try:
            once = idempotency.perform_once(
                key=key,
                actor=None,
                scope=scope,
                fingerprint=idempotency.fingerprint(data, request.FILES),
                perform=lambda: dict(zip(("status", "body"), perform(), strict=True)),
            )
        except idempotency.KeyReused as error:
            return _error(error.code, error.message, status.HTTP_422_UNPROCESSABLE_ENTITY)
        body = once.result["body"]
        response = Response(answer(body) if answer else body, status=once.result["status"])
        if once.repeated:
            response[REPLAYED] = "true"
        return response


KEY_HEADER = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="UUID；以同一标识重复提交时返回首次的结果，不再执行",
)
ERRORS = {
    400: OpenApiResponse(description='{"error", "code", "fields"}'),
    422: OpenApiResponse(description='{"error", "code": "idempotency_key_reused"}'),
    429: OpenApiResponse(description='{"error", "code": "rate_limited"}，并带 Retry-After 头'),
}


# -- SMS codes -----------------------------------------------------------------------------------


class SmsCodeInput(serializers.Serializer):
    phone = serializers.CharField(max_length=20, help_text="接收验证码的手机号码")


class SmsCodeOutput(serializers.Serializer):
    expires_in = serializers.IntegerField(help_text="验证码有效秒数")


class SmsCodes(PublicView):
    rate_kind = ratelimits.SMS_CODE

    @extend_schema(
        summary="发送短信验证码（6位，5分钟内有效）",
        parameters=[KEY_HEADER],
        request=SmsCodeInput,
        responses={202: SmsCodeOutput, **ERRORS},
    )
    def post(self, request):
        def perform():
            data = _valid(SmsCodeInput, request.data)
            sms_code_issue(phone=data["phone"], ip=client_ip(request) or "")
            expires_in = settings.MINYI_MASHANG["SMS_CODE_TTL_SECONDS"]
            return status.HTTP_202_ACCEPTED, {"expires_in": expires_in}

        return self.once(request, "public sms-code", perform)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# -- messages ------------------------------------------------------------------------------------


class MessageInput(serializers.Serializer):
    code = serializers.CharField(max_length=16, help_text="代表或联络站的二维码（/m/<code>）")
    deputy = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="联络站的码时必填：所选代表的编号",
    )
    phone = serializers.CharField(max_length=20)
    sms_code = serializers.CharField(max_length=6)
    # the service states the limits (1000 字, 32 字): these only bound the request
    content = serializers.CharField(max_length=10_000, allow_blank=True, trim_whitespace=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    consent = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=10,
        help_text="multipart 时可附照片（最多3张，仅 JPG、PNG、WebP）",
    )


class TrackingCodeOutput(serializers.Serializer):
    tracking_code = serializers.CharField(help_text=f"查询码（{TRACKING_LENGTH}位）")


class Messages(PublicView):
    rate_kind = ratelimits.MESSAGE

    @extend_schema(
        summary="给代表留言",
        description="同一手机号对同一代表的相同内容在办结前并入首条留言，返回同一查询码。",
        parameters=[KEY_HEADER],
        request={"application/json": MessageInput, "multipart/form-data": MessageInput},
        responses={
            201: TrackingCodeOutput,
            **ERRORS,
            404: OpenApiResponse(description='{"error", "code": "code_not_found"}'),
        },
    )
    def post(self, request):
        return self.once(request, "public message", lambda: _create(request))


def _create(request) -> tuple[int, dict]:
    data = _valid(MessageInput, request.data)
    code = found_code(data["code"])
    if code is None:
        raise _NotFound("该二维码已失效或不存在。", code="code_not_found")
    deputy = None
    if data.get("deputy"):
        deputy = Deputy.objects.filter(pk=data["deputy"]).first()
        if deputy is None:
            raise DomainError("所选代表不存在。", code="deputy_invalid")
    created = message_create(
        code=code, deputy=deputy, ip=client_ip(request) or "", **message_fields(data)
    )
    return status.HTTP_201_CREATED, {"tracking_code": created.message.tracking_code}


# -- progress and rating -------------------------------------------------------------------------


class StepOutput(serializers.Serializer):
    at = serializers.CharField(help_text="北京时间，ISO 8601")
    kind = serializers.CharField()
    text = serializers.CharField(help_text="给群众看的说明")


class ProgressOutput(serializers.Serializer):
    tracking_code = serializers.CharField()
    deputy = serializers.CharField(help_text="代表姓名")
    status = serializers.CharField(help_text="open、forwarded、result、answered、closed")
    status_text = serializers.CharField(help_text="办理进展（如：代表已收到，正在处理）")
    content = serializers.CharField(help_text="群众自己的留言内容；个人信息清除后为空")
    answer = serializers.CharField(help_text="代表的答复；尚未答复时为空")
    timeline = StepOutput(many=True)
    may_rate = serializers.BooleanField(help_text="现在是否可以评价")
    rating = serializers.CharField(help_text="satisfied、basically、unsatisfied；未评价时为空")
    rating_answered = serializers.BooleanField(allow_null=True)


def _progress(message) -> dict:
    progress = progress_of(message)
    return ProgressOutput(
        {
            **progress.__dict__,
            "timeline": [
                {"at": s.at_iso, "kind": s.kind, "text": s.text} for s in progress.timeline
            ],
        }
    ).data


PHONE_QUERY = OpenApiParameter("phone", str, OpenApiParameter.QUERY, required=True)
NOT_FOUND_RESPONSE = OpenApiResponse(description='{"error", "code": "not_found"}（手机号不符同此）')


class MessageDetail(PublicView):
    rate_kind = ratelimits.TRACK

    @extend_schema(
        summary="凭查询码和手机号查看办理进展",
        parameters=[PHONE_QUERY],
        responses={200: ProgressOutput, 404: NOT_FOUND_RESPONSE, 429: ERRORS[429]},
    )
    def get(self, request, tracking_code: str):
        message = message_for_citizen(tracking_code, request.query_params.get("phone", ""))
        if message is None:
            return _error("not_found", NOT_FOUND, status.HTTP_404_NOT_FOUND)
        return Response(_progress(message))


class RatingInput(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    answered = serializers.BooleanField(help_text="代表答复了吗")
    rating = serializers.ChoiceField(choices=Rating.choices, help_text="满意/基本满意/不满意")


class MessageRating(PublicView):
    rate_kind = ratelimits.RATING

    @extend_schema(
        summary="评价代表的答复（每条留言一次）",
        parameters=[KEY_HEADER],
        request=RatingInput,
        responses={
            200: ProgressOutput,
            **ERRORS,
            404: NOT_FOUND_RESPONSE,
            409: OpenApiResponse(
                description='{"error", "code": "already_rated" 或 "not_answered_yet"}'
            ),
        },
    )
    def post(self, request, tracking_code: str):
        def perform():
            data = _valid(RatingInput, request.data)
            message = message_for_citizen(tracking_code, data["phone"])
            if message is None:
                raise _NotFound(NOT_FOUND)
            message_rate(message=message, answered=data["answered"], rating=data["rating"])
            return status.HTTP_200_OK, {"tracking_code": message.tracking_code}

        def answer(body: dict) -> dict:
            message = message_for_citizen(body["tracking_code"], request.data.get("phone", ""))
            if message is None:  # scrubbed since: nothing of it is left to show
                raise _NotFound(NOT_FOUND)
            return _progress(message)

        return self.once(request, f"public rating {tracking_code[:20]}", perform, answer)
