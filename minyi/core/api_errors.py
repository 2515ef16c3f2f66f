"""Every API error has one shape: ``{"error": <Chinese message>, "code": <machine code>}``, plus
``fields`` for a form's per-field messages. DRF's own refusals (not signed in, no permission,
bad JSON) are reshaped here so a client never has to handle two formats."""

from __future__ import annotations

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        response.data = {"error": str(data["detail"]), "code": str(codes)}
    elif isinstance(data, dict):
        fields = {
            name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in data.items()
        }
        response.data = {"error": "提交的内容有误。", "code": "invalid", "fields": fields}
    else:
        response.data = {"error": "；".join(str(m) for m in data), "code": "invalid"}
    return response
