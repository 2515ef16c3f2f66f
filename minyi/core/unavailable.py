"""While the database is away, a view's request gets a quick 503 — the Chinese page, or under
/api/ the JSON ``{"error", "code": "unavailable"}`` — with one short log line instead of a 500
and a traceback per request.

Fast: PostgreSQL connections have a short connect timeout and the pool a short wait
(``DB_CONNECT_TIMEOUT``, ``DB_POOL_TIMEOUT``, minyi/settings.py). The answer is
``minyi.core.error_views.unavailable``, rendered without the request (no session, no user), so
it never touches the database itself. A database error raised in a middleware (the session
gate reading the session, say) never reaches ``process_exception``: Django's handler500,
``error_views.server_error``, gives it the same 503.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from minyi.core.error_views import unavailable
from minyi.core.reconnect import describe, is_database_outage

log = logging.getLogger("minyi.unavailable")


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
        return unavailable(request)
