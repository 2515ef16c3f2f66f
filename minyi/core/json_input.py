"""The one way a JSON request body is read: the API's parser (``REST_FRAMEWORK``) and the CTI
webhook both go through ``parse_json``.

Python's ``json.loads`` accepts what our views cannot use: a list or a string where an object is
expected (``AttributeError: 'list' object has no attribute 'items'``), 100,000 nested brackets
(``RecursionError``), ``\\u0000`` or a lone ``\\ud800`` in a string (PostgreSQL refuses the
first, UTF-8 cannot encode the second), ``NaN``, and a body of any size. Each is refused here
with a 400 (413 for the size) and a code, before a view sees the data.
"""

from __future__ import annotations

import json

from django.conf import settings
from rest_framework import exceptions, parsers

MAX_DEPTH = 20  # our bodies are flat objects; the PBX's has no nesting at all


class JsonInputError(ValueError):
    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


def _reject_constant(name: str):
    raise JsonInputError(f"JSON 中不能使用 {name}。", "invalid_json")


def _check_text(value: str) -> None:
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise JsonInputError("JSON 文本中含有不允许的字符（空字符或无效的编码）。", "bad_encoding")


def _check_tree(data, max_depth: int) -> None:
    """Walk the parsed value without recursion: depth and strings (keys and values)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise JsonInputError(f"JSON 嵌套不能超过 {max_depth} 层。", "too_deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                stack.append((item, depth + 1))


def max_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 1024 * 1024


def parse_json(raw: bytes, *, require_object: bool = True, max_depth: int = MAX_DEPTH):
    """Parse a request body. Raises ``JsonInputError`` with a Chinese message and a code:
    ``too_large`` (413), ``invalid_json``, ``bad_encoding``, ``too_deep``, ``not_object``."""
    if len(raw) > max_bytes():
        raise JsonInputError("请求体过大。", "too_large", status=413)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JsonInputError("请求体不是有效的 UTF-8 文本。", "bad_encoding") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise JsonInputError(f"JSON 嵌套不能超过 {max_depth} 层。", "too_deep") from None
    except ValueError as error:  # JSONDecodeError, and an integer of thousands of digits
        if isinstance(error, JsonInputError):
            raise
        raise JsonInputError("请求体不是有效的 JSON。", "invalid_json") from None
    _check_tree(data, max_depth)
    if require_object and not isinstance(data, dict):
        raise JsonInputError("请求体应为 JSON 对象（{…}）。", "not_object")
    return data


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "请求体过大。"
    default_code = "too_large"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser through ``parse_json``: every API body is a JSON object."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        try:
            return parse_json(raw)
        except JsonInputError as error:
            if error.status == 413:
                raise PayloadTooLarge() from None
            raise exceptions.ParseError(error.message, code=error.code) from None
