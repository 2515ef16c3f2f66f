"""The app as uvicorn serves it (``minyi.asgi``), wrapped to report its own time per request.

The wrapper adds ``Server-Timing: app;dur=<ms>`` to every response: from the moment uvicorn hands
the request to the app to the moment the app starts its response (Django sends the status line
when the view has returned). The client's round trip minus this is uvicorn's HTTP parsing,
the loopback and the client itself. Only the caller bench serves this module.
"""

from __future__ import annotations

import time

from minyi.asgi import application as django_application


async def application(scope, receive, send):
    if scope["type"] != "http":
        await django_application(scope, receive, send)
        return
    began = time.perf_counter()

    async def timed_send(message):
        if message["type"] == "http.response.start":
            ms = (time.perf_counter() - began) * 1000
            headers = list(message.get("headers", []))
            headers.append((b"server-timing", f"app;dur={ms:.3f}".encode()))
            message = {**message, "headers": headers}
        await send(message)

    await django_application(scope, receive, timed_send)
