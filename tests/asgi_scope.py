"""The ASGI scope of a plain GET, for the tests that drive an ASGI application directly, and
one request through an application on a loop of its own."""

from __future__ import annotations

import asyncio


def http_get_scope(path: str, raw_path: bytes | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode() if raw_path is None else raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def asgi_call(
    application, path: str, headers: dict[str, str] | None = None, raw_path: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    """GET ``path`` through ``application``: its status, headers (names in lower case) and body."""
    scope = http_get_scope(path, raw_path)
    scope["headers"] += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    messages, received = [], False

    async def receive():
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never goes away

    async def send(message):
        messages.append(message)

    await application(scope, receive, send)
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return (
        start["status"],
        {k.decode().lower(): v.decode() for k, v in start["headers"]},
        body,
    )


async def asgi_get(
    application, path: str, headers: dict[str, str] | None = None, raw_path: bytes | None = None
):
    """GET ``path`` through ``application``: its status and headers (names in lower case)."""
    status, answered, _ = await asgi_call(application, path, headers, raw_path)
    return status, answered
