"""The API's one error shape in the OpenAPI document, for every operation.

Whatever refuses a request — a view, DRF, the request guard, the JSON parser, Django's error
handlers (``minyi.core.error_views``) — answers ``{"error": <Chinese>, "code": <machine code>}``,
with ``fields`` for a form's per-field messages. ``add_error_responses`` (a drf-spectacular
post-processing hook) adds that shape as the ``Error`` component and documents it for each error
status of each operation, and for the other 4xx an operation names itself (409, 422, 429),
keeping the description an operation gives; a client and the
schemathesis test (tests/fuzz/test_api_schema.py) check every error body against it.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "给用户看的中文说明"},
        "code": {
            "type": "string",
            "description": "机器可读的错误代码，如 invalid、not_found、forbidden、invalid_cursor",
        },
        "fields": {
            "type": "object",
            "description": "表单错误：字段名 → 说明",
            "additionalProperties": {},
        },
    },
    "required": ["error", "code"],
}

ERROR_STATUSES = {
    "400": "请求有误（code: invalid、invalid_json、not_object、too_deep、bad_encoding、"
    "invalid_cursor、too_many_fields 等）",
    "401": "未提供或无效的令牌（CTI 接口，code: unauthorized）",
    "403": "未登录、无权操作或安全校验失败（code: not_authenticated、forbidden、csrf_failed）",
    "404": "不存在或无权查看（code: not_found）",
    "405": "不支持的请求方式（code: method_not_allowed）",
    "406": "无法提供所要求的响应格式（code: not_acceptable）",
    "413": "请求体过大（code: too_large）",
    "415": "不支持的请求体类型（code: unsupported_media_type）",
    "500": "系统出错（code: server_error）",
    "503": "数据库暂时不可用，请稍后重试（code: unavailable）",
}


def add_error_responses(result, generator, **kwargs):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description})["content"] = content
            # an operation's own refusals (409, 422, 429 …) are in the same shape
            for status, response in responses.items():
                if str(status).startswith("4"):
                    response["content"] = content
    return result
