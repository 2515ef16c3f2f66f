"""What a refusal looks like: a Chinese page, or, for every path under ``/api/``, the API's one
error shape ``{"error": <Chinese>, "code": <machine code>}`` (``minyi.core.api_errors``).

Django calls these for what a view does not answer itself (``minyi/urls.py``: handler400, 403,
404, 500; ``CSRF_FAILURE_VIEW``); ``ErrorBodyMiddleware`` dresses the bare 405 that
``require_POST`` and friends return. A 400 tells apart an oversize body (413 ``too_large``),
too many fields (``too_many_fields``) and input the request guard refused (its own code).

Pages that may run without a database: the 400, 500 and 503 pages are rendered without the
request, so no context processor runs and nothing looks up the session or the user (a bad
request may carry the very cookie that broke it; a 500 may be the database being away). The
403, 404 and 405 pages show the signed-in user's menu like any page.

The database-away hook: ``server_error`` answers 503 ``unavailable`` instead of 500 when the
exception in flight is a database connection failure (``minyi.core.reconnect``, the one test the
workers use too); ``unavailable`` is the response, which ``minyi.core.unavailable`` gives a
view's database error before it becomes a logged 500.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from minyi.core.errors import BadInput
from minyi.core.reconnect import is_database_outage

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 10


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    title: str
    message: str


BAD_REQUEST = Refusal(400, "bad_request", "请求有误", "请求中有无法处理的内容，请检查后重试。")
TOO_MANY_FIELDS = Refusal(400, "too_many_fields", "请求有误", "提交的字段或文件过多，请分批提交。")
TOO_LARGE = Refusal(
    413, "too_large", "提交的内容过大", "提交的内容超过了允许的大小，请删减后重试。"
)
FORBIDDEN = Refusal(403, "forbidden", "无权访问", "您没有权限访问此页面或执行此操作。")
CSRF_FAILED = Refusal(
    403,
    "csrf_failed",
    "页面已过期",
    "安全校验未通过：页面可能已过期，或浏览器禁用了 Cookie。请刷新页面后重新提交。",
)
NOT_FOUND = Refusal(404, "not_found", "页面不存在", "您要找的内容不存在，或您无权查看。")
METHOD_NOT_ALLOWED = Refusal(
    405, "method_not_allowed", "不支持的请求方式", "此地址不支持该请求方式。"
)
SERVER_ERROR = Refusal(
    500, "server_error", "系统出错", "系统处理您的请求时出错，错误已记录。请稍后重试。"
)
UNAVAILABLE = Refusal(503, "unavailable", "服务暂时不可用", "系统暂时不可用，请稍后再试。")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def user_message(exception: BaseException | None) -> str:
    """Our own refusals carry a reason in Chinese ("您的角色不能使用此页面。"); Django's carry
    none, or an English one meant for developers, which a user is not shown."""
    text = str(exception.args[0]) if exception is not None and exception.args else ""
    return text if any(ord(ch) > 0x2E7F for ch in text) else ""


def _back_link(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def respond(
    request: HttpRequest,
    refusal: Refusal,
    *,
    detail: str = "",
    with_user: bool = True,
    headers: dict | None = None,
) -> HttpResponse:
    """The refusal as JSON (under /api/) or as its page. ``with_user=False`` renders the page
    from its own context only: no session, no user, no database."""
    if is_api(request):
        body = {"error": detail or refusal.message, "code": refusal.code}
        response: HttpResponse = JsonResponse(
            body, status=refusal.status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        template = [f"errors/{refusal.code}.html", f"errors/{refusal.status}.html"]
        context = {"refusal": refusal, "detail": detail}
        if with_user:
            context["back"] = _back_link(request)
            response = render(request, template, context, status=refusal.status)
        else:
            response = HttpResponse(
                loader.render_to_string(template, context), status=refusal.status
            )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _bad_request_kind(exception: BaseException | None) -> Refusal:
    if isinstance(exception, RequestDataTooBig):
        return TOO_LARGE
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return TOO_MANY_FIELDS
    if isinstance(exception, BadInput):  # the request guard, an admin filter: names what it refused
        return Refusal(400, exception.code, BAD_REQUEST.title, exception.message)
    return BAD_REQUEST


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return respond(request, _bad_request_kind(exception), with_user=False)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return respond(request, FORBIDDEN, detail=user_message(exception))


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return respond(request, NOT_FOUND)


def method_not_allowed(request: HttpRequest, allowed: str = "") -> HttpResponse:
    return respond(request, METHOD_NOT_ALLOWED, headers={"Allow": allowed} if allowed else None)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return respond(request, CSRF_FAILED)


def unavailable(request: HttpRequest) -> HttpResponse:
    response = respond(
        request, UNAVAILABLE, with_user=False, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )
    add_never_cache_headers(response)  # a cache must not keep the outage after it ends
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its ``except`` block, so the exception is still in flight.
    if is_database_outage(sys.exc_info()[1]):
        return unavailable(request)
    return respond(request, SERVER_ERROR, with_user=False)


class ErrorBodyMiddleware:
    """Gives the bare 405 of ``require_GET``/``require_POST`` a body: the page, or JSON under
    /api/ (DRF's views answer their own 405 in JSON already)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not getattr(response, "streaming", False)
            and not response.content
        ):
            return method_not_allowed(request, response.get("Allow", ""))
        return response
