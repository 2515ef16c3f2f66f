"""Every request has an id: the caller's X-Request-ID when it is sane, else a new one. It comes
back in the response and names every log line of that request, under the ASGI handler the
product runs on, whose worker threads serve one request after another."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from minyi.asgi import application
from tests.asgi_scope import asgi_get

# The 404s below read the session tables from the request's own thread.
pytestmark = pytest.mark.django_db(transaction=True)

NEW_ID = re.compile(r"[0-9a-f]{32}")


def run(coroutine):
    # A loop in a thread of its own: the browser tests leave an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def not_found_lines(lines: list[dict]) -> dict[str, str]:
    """Django's "Not Found: /path" line of each request: path → the request id it names."""
    return {
        line["message"].removeprefix("Not Found: "): line["request_id"]
        for line in lines
        if line["logger"] == "django.request"
    }


def test_a_sane_request_id_comes_back_and_names_the_requests_log_line(log_lines):
    status, headers = run(asgi_get(application, "/no-such-page/", {"X-Request-ID": "lb-7f3a.1_b"}))

    assert status == 404
    assert headers["x-request-id"] == "lb-7f3a.1_b"
    assert not_found_lines(log_lines()) == {"/no-such-page/": "lb-7f3a.1_b"}


def test_a_request_refused_before_any_view_still_answers_with_its_id():
    status, headers = run(
        asgi_get(application, "/x/\x00/", {"X-Request-ID": "bad-bytes-1"}, raw_path=b"/x/%00/")
    )

    assert status == 400  # the request guard's refusal
    assert headers["x-request-id"] == "bad-bytes-1"


@pytest.mark.parametrize(
    "given", ["", "x" * 65, "two words", "id\u00e9", "a;b", "../../etc/passwd\n"]
)
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(log_lines, given):
    headers = {"X-Request-ID": given} if given else {}

    status, answer = run(asgi_get(application, "/healthz", headers))

    assert status == 200
    assert NEW_ID.fullmatch(answer["x-request-id"])


def test_concurrent_requests_on_reused_threads_each_log_their_own_id(log_lines):
    async def burst():
        first = await asyncio.gather(
            *(asgi_get(application, f"/missing-{n}/", {"X-Request-ID": f"r-{n}"}) for n in "abc")
        )
        # one after another: the same idle threads serve these, the last one with no id given
        then = [
            await asgi_get(application, f"/missing-{n}/", {"X-Request-ID": f"r-{n}"}) for n in "de"
        ]
        return first + then + [await asgi_get(application, "/missing-f/")]

    answers = run(burst())

    given = {f"/missing-{n}/": f"r-{n}" for n in "abcde"}
    new_id = answers[-1][1]["x-request-id"]
    assert NEW_ID.fullmatch(new_id)
    assert not_found_lines(log_lines()) == {**given, "/missing-f/": new_id}
    assert [headers["x-request-id"] for _, headers in answers] == [*given.values(), new_id]
