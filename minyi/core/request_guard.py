"""One guard in front of every view: text no database or template should see is refused.

A NUL byte is valid in a URL (``%00``) and in Python strings, but PostgreSQL refuses it in any
text value (``DataError`` → a 500 from ``/work/orders/%00/`` or ``?q=%00``); a lone surrogate
cannot be encoded at all; invalid UTF-8 is silently turned into U+FFFD by Django, so the user
would search for, or save, something other than what was sent. The guard answers 400 for any of
them in the path, the query string, a form body (field names, values and file names) and the
cookies, before the session, CSRF check, view or ORM reads them.

JSON bodies are checked where they are parsed (``minyi.core.json_input``), and uploads' contents
by the upload checks; headers other than cookies reach no query.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse

from minyi.core.errors import BadInput

# NUL, and the UTF-16 surrogates no UTF-8 text can hold.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# What Django's WSGI request leaves of a byte that was not UTF-8: it percent-encodes it again
# (``repercent_broken_unicode``). No address of ours has a literal "%" in its path.
_REPERCENTED = re.compile("%[89A-F][0-9A-F]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnsafeInput(BadInput):
    """Refused by the guard; ``error_views.bad_request`` shows ``message`` with ``code``."""

    code = "bad_encoding"

    def __init__(self, where: str):
        self.where = where
        super().__init__(f"{where}中含有不允许的字符（如空字符或无效的编码），请检查后重试。")


def text_is_safe(value: str) -> bool:
    return _FORBIDDEN.search(value) is None


def bytes_are_safe(data: bytes) -> bool:
    """Valid UTF-8 (strict: encoded surrogates are refused too) without NUL."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wire_bytes(value: str | bytes) -> bytes:
    """The bytes behind a WSGI/ASGI string: servers hand them over as latin-1."""
    if isinstance(value, bytes):
        return value
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def encoded_is_safe(raw: str | bytes, *, plus_is_space: bool = True) -> bool:
    """Whether percent-encoded text (a query string, a form body) decodes to safe text."""
    data = _wire_bytes(raw)
    if plus_is_space:
        data = data.replace(b"+", b" ")
    return bytes_are_safe(unquote_to_bytes(data))


def path_is_safe(request: HttpRequest) -> bool:
    if not text_is_safe(request.path):
        return False
    scope = getattr(request, "scope", None)
    if scope and scope.get("raw_path"):  # ASGI: the path as sent, still percent-encoded
        return bytes_are_safe(unquote_to_bytes(scope["raw_path"]))
    return not _REPERCENTED.search(request.path)  # WSGI: Django decoded it already


def check_request(request: HttpRequest) -> None:
    """Raise ``UnsafeInput`` naming the first unsafe part of the request."""
    if not path_is_safe(request):
        raise UnsafeInput("地址")
    if not encoded_is_safe(request.META.get("QUERY_STRING", "")):
        raise UnsafeInput("查询参数")
    cookies_raw = _wire_bytes(request.META.get("HTTP_COOKIE", ""))
    if not bytes_are_safe(cookies_raw) or not all(
        text_is_safe(k) and text_is_safe(v) for k, v in request.COOKIES.items()
    ):
        raise UnsafeInput("Cookie ")
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(_FORM_TYPES):
        if content_type.startswith(_FORM_TYPES[0]) and not encoded_is_safe(request.body):
            raise UnsafeInput("表单")
        # Parsing here is what the CSRF check would do next anyway; DRF reuses the result.
        texts = [*request.POST.keys(), *(v for _, vs in request.POST.lists() for v in vs)]
        texts += [f.name or "" for _, fs in request.FILES.lists() for f in fs]
        if not all(text_is_safe(value) for value in texts):
            raise UnsafeInput("表单")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        check_request(request)
        return self.get_response(request)
