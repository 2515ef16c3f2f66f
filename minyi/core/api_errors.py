"""Every API error has one shape: ``{"error": <Chinese message>, "code": <machine code>}``, plus
``fields`` for a form's per-field messages. DRF's own refusals (not signed in, no permission,
bad JSON) are reshaped here so a client never has to handle two formats; what DRF does not
handle (a 500, a database away, an oversize body) gets the same shape from
``minyi.core.error_views``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from minyi.core import error_views
from minyi.core.sentences import join_sentences


def _reshape(exc) -> tuple[str, str] | None:
    """Django's exceptions and DRF's CSRF refusal carry English text meant for developers."""
    if isinstance(exc, Http404):
        return error_views.NOT_FOUND.message, error_views.NOT_FOUND.code
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        return error_views.CSRF_FAILED.message, error_views.CSRF_FAILED.code
    if isinstance(exc, DjangoPermissionDenied):
        message = error_views.user_message(exc) or error_views.FORBIDDEN.message
        return message, error_views.FORBIDDEN.code
    return None


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    reshaped = _reshape(exc)
    if reshaped is not None:
        response.data = {"error": reshaped[0], "code": reshaped[1]}
    elif isinstance(data, dict) and "detail" in data and len(data) == 1:
        response.data = {"error": str(data["detail"]), "code": str(codes)}
    elif isinstance(data, dict):
        fields = {
            name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in data.items()
        }
        response.data = {"error": "提交的内容有误。", "code": "invalid", "fields": fields}
    else:
        response.data = {"error": join_sentences(str(m) for m in data), "code": "invalid"}
    return response
