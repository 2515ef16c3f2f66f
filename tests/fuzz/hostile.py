"""The hostile values the fuzz tests send, and how to send them with the Django test client.

Every request runs in a savepoint that is rolled back, so a request that succeeds (a valid
form with one odd value) does not move the world on for the next one.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client

from tests.logins import sign_in

# As a path parameter: text already percent-encoded, sent as it is.
PATH_VALUES = [
    "%00",
    "a%00b",
    "%FF",
    "%ED%A0%80",  # an encoded lone surrogate
    "%C3%28",
    "9999-12-31",
    "0001-01-01",
    "x" * 3000,
    "%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "-1",
    "99999999999999999999999",
    "..%2F..%2Fsettings",
    "%27%22%3Cscript%3E",
    "%25",
]
# Path values that must be refused as bad input (400), whoever asks.
PATH_BAD_ENCODING = {"%00", "a%00b", "%FF", "%ED%A0%80", "%C3%28"}

# As a query or form value (the client encodes it as UTF-8).
TEXT_VALUES = [
    "\x00",
    "a\x00b",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "0000-00-00",
    "2026-02-30",
    "x" * 100_000,
    "²",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\r\n",
    "cD1ub3RhZGF0ZQ==",  # a page cursor that decodes to p=notadate
]
# Bytes no UTF-8 string holds: sent in raw query strings and form bodies.
RAW_VALUES = ["%FF", "%ED%A0%80", "%C3", "%00"]

DEEP = "[" * 100_000 + "]" * 100_000
JSON_BODIES = [
    "[]",
    "[1, 2]",
    '"sign"',
    "1",
    "null",
    DEEP,
    '{"a": ' * 100_000 + "1" + "}" * 100_000,
    '{"note": "\\u0000"}',
    '{"note": "\\ud800"}',
    '{"a": NaN}',
    "{",
    '{"note": "' + "x" * (2 * 1024 * 1024) + '"}',  # over the body limit
]
# As one field's value in an otherwise valid JSON object.
JSON_VALUES = [None, [], {}, [[1, [2]]], {"a": {"b": 1}}, 10**30, -1, True, 1.5e308]

# Field lookups typed into an admin changelist's address, and the values they get in turn.
ADMIN_LOOKUPS = ["", "__gte", "__year", "__month", "__date", "__regex", "__in", "__range"]
ADMIN_LOOKUPS += ["__isnull", "__contains", "__has_key", "__iregex"]
ADMIN_VALUES = ["9999-12-31", "0001-01-01", "(", "99999999999999999999999", "²", "1e309", "a,b"]

QUERY_NAMES = [
    "q",
    "cursor",
    "tab",
    "status",
    "region",
    "category",
    "selected",
    "call",
    "phone",
    "deputy",
    "level",
    "department",
    "warning",
    "channel",
    "date_from",
    "date_to",
    "next",
    "format",
    "include_ended",
    "page_size",
    "o",
    "p",
    "e",
    "_to_field",
    "_popup",
    "_changelist_filters",
    "term",
    "app_label",
    "model_name",
    "field_name",
]


@dataclass
class Failure:
    what: str
    status: int
    error: str = ""

    def __str__(self) -> str:
        return f"{self.status} {self.what}" + (f"\n    {self.error}" if self.error else "")


@dataclass
class Fuzzer:
    """Sends requests as one persona at a time and collects every 5xx (with its exception)
    and every request that should have been refused as bad input but was not."""

    client: Client
    failures: list[Failure] = field(default_factory=list)
    sent: int = 0
    _last_error: str = ""
    _sessions: dict = field(default_factory=dict)

    def __post_init__(self):
        self.client.raise_request_exception = False
        got_request_exception.connect(self._record_exception, weak=False)

    def close(self):
        got_request_exception.disconnect(self._record_exception)

    def _record_exception(self, sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        self._last_error = f"{type(error).__name__}: {str(error)[:200]}" if error else ""

    def as_user(self, user) -> None:
        """Switch persona by session cookie: each persona logs in once (logging in is the
        costliest step of a request here)."""
        name = settings.SESSION_COOKIE_NAME
        if user is None:
            self.client.cookies.pop(name, None)
            return
        if user.pk not in self._sessions:
            sign_in(self.client, user)  # the administrators with their second factor
            self._sessions[user.pk] = self.client.cookies[name].value
        self.client.cookies[name] = self._sessions[user.pk]

    def send(self, method: str, path: str, *, expect_400: bool = False, **kwargs) -> int:
        self._last_error = ""
        with transaction.atomic():
            response = getattr(self.client, method.lower())(path, **kwargs)
            transaction.set_rollback(True)
        self.sent += 1
        status = response.status_code
        what = f"{method} {path[:160]} {_describe(kwargs)}"
        if status >= 500 and not _designed_503(path, response):
            self.failures.append(Failure(what, status, self._last_error))
        elif expect_400 and status != 400:
            self.failures.append(Failure(what + " (expected 400: bad encoding)", status))
        return status

    def get(self, path: str, query: str = "", **kwargs) -> int:
        return self.send("GET", path + (f"?{query}" if query else ""), **kwargs)

    def post_form(self, path: str, data, **kwargs) -> int:
        return self.send("POST", path, data=data, **kwargs)

    def post_raw(self, path: str, body: bytes, content_type: str, **kwargs) -> int:
        return self.send("POST", path, data=body, content_type=content_type, **kwargs)

    def post_json(self, path: str, body, **kwargs) -> int:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        return self.send("POST", path, data=text, content_type="application/json", **kwargs)


# /readyz answers 503 by design while the background processes are not running (none run in a
# test): that answer, with its reasons, is not a failure; a crash there still would be.
READINESS = "/readyz"


def _designed_503(path: str, response) -> bool:
    if response.status_code != 503 or path.split("?")[0] != READINESS:
        return False
    return response.json().get("status") == "not_ready"


def _describe(kwargs: dict) -> str:
    data = kwargs.get("data")
    if data is None:
        return ""
    text = data if isinstance(data, str | bytes) else repr(data)
    text = text if isinstance(text, str) else text.decode("latin-1")
    return text[:120] + ("…" if len(text) > 120 else "")


def encode_query(pairs) -> str:
    """Pairs to a query string; a value from RAW_VALUES goes as it is (already encoded)."""
    return "&".join(
        f"{quote(k, safe='')}={v if v in RAW_VALUES else quote(v, safe='')}" for k, v in pairs
    )
