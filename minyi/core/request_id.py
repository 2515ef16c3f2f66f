"""A request id on every request: the caller's ``X-Request-ID`` when it is sane, else a new
one; kept for the request's log lines (``minyi.core.log_context``) and sent back in the
response's ``X-Request-ID``, so a user's report, the proxy's log and ours meet on one id.

First in ``MIDDLEWARE``: a response any other middleware answers on its own (the HTTPS
redirect, the request guard's 400) carries the id too. The id is not reset when the response
leaves: Django logs a 4xx/5xx after the middleware has returned, and uvicorn its access line
after that, and both must still name the request; it is forgotten when the response is
closed (``request_finished``), so a server thread's lines between requests name none.
"""

from __future__ import annotations

import re
import uuid

from django.core.signals import request_finished

from minyi.core.log_context import REQUEST_ID

HEADER = "X-Request-ID"
# A proxy's id (nginx's $request_id is 32 hex digits) or a client's: short and plain, so it is
# safe in a log line and a header. Anything else is replaced, not trusted.
SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_for(given: str | None) -> str:
    return given if given and SANE.fullmatch(given) else uuid.uuid4().hex


def _forget(**kwargs) -> None:
    REQUEST_ID.set(None)


request_finished.connect(_forget, dispatch_uid="minyi.core.request_id")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(HEADER))
        REQUEST_ID.set(request_id)
        request.request_id = request_id
        response = self.get_response(request)
        response[HEADER] = request_id
        return response
