"""The request guard and the error pages behave the same under the ASGI server the product runs
on (uvicorn hands over the raw path; Django's error handling runs in the request's thread)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from minyi.asgi import application


def scope(path: str, raw_path: bytes) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def request(path: str, raw_path: bytes) -> tuple[int, bytes]:
    async def call():
        messages, received = [], False

        async def receive():
            nonlocal received
            if not received:
                received = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client never goes away

        async def send(message):
            messages.append(message)

        await application(scope(path, raw_path), receive, send)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        return messages[0]["status"], body

    # A loop in a thread of its own: the browser tests leave an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, call()).result()


@pytest.mark.parametrize(
    ("path", "raw_path"),
    [
        ("/work/orders/\x00/", b"/work/orders/%00/"),
        ("/work/orders/\ufffd/", b"/work/orders/%FF/"),  # uvicorn decodes with U+FFFD
        ("/api/orders/\ufffd\ufffd/", b"/api/orders/%ED%A0%80/"),
    ],
)
def test_bad_bytes_in_the_raw_path_are_refused_before_any_query(path, raw_path):
    # No database marker: a query here would fail the test.
    status, body = request(path, raw_path)

    assert status == 400
    assert "不允许的字符".encode() in body


def test_a_bug_and_a_database_away_read_no_database_under_asgi(settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"

    failed, page = request("/boom/", b"/boom/")
    away, json_body = request("/api/database-away/", b"/api/database-away/")

    assert failed == 500 and "系统出错".encode() in page
    assert away == 503 and b'"code": "unavailable"' in json_body
