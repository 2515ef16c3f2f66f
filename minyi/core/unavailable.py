"""While the database is away, a request gets a quick 503 — a Chinese page, or under /api/ the
JSON ``{"error", "code": "unavailable"}`` — instead of a 500 or a hang.

Fast: PostgreSQL connections have a short connect timeout and the pool a short wait
(``DB_CONNECT_TIMEOUT``, ``DB_POOL_TIMEOUT``, minyi/settings.py). The 503 is rendered without the
request (no context processor, no session, no user), so it never touches the database itself.

``DatabaseUnavailableMiddleware.process_exception`` catches a view's database error. An error
raised by a middleware never reaches it; the project's handler500 should answer such a request
with ``unavailable_response`` too when ``is_database_outage`` says so.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from minyi.core.reconnect import DATABASE_OUTAGE, describe

log = logging.getLogger("minyi.unavailable")

MESSAGE = "系统暂时不可用，请稍后再试。"
RETRY_AFTER_SECONDS = 10


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_OUTAGE)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": MESSAGE, "code": "unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        # the path only: a query string may carry a phone number
        log.warning(
            "database unavailable: %s %s (%s)", request.method, request.path, describe(exception)
        )
        return unavailable_response(request)
