"""The request guard and the error pages behave the same under the ASGI server the product runs
on (uvicorn hands over the raw path; Django's error handling runs in the request's thread)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from minyi.asgi import application
from tests.asgi_scope import asgi_call


def request(path: str, raw_path: bytes) -> tuple[int, bytes]:
    # A loop in a thread of its own: the browser tests leave an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        status, _, body = pool.submit(
            asyncio.run, asgi_call(application, path, raw_path=raw_path)
        ).result()
    return status, body


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
