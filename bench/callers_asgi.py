"""The app as uvicorn serves it (``minyi.asgi``), wrapped to report its own time per request.

The wrapper adds ``Server-Timing: app;dur=<ms>`` to every response: from the moment uvicorn hands
the request to the app to the moment the app starts its response (Django sends the status line
when the view has returned). The client's round trip minus this is uvicorn's HTTP parsing,
the loopback and the client itself. Only the caller bench serves this module.

With ``BENCH_CALLERS_POOL=1`` (the bench's what-if run) the database connection comes from
Django's psycopg pool (``OPTIONS["pool"]``, needs the ``psycopg-pool`` package) instead of the
settings' persistent connection, which under ASGI is opened anew for every request: Django runs
each request's sync code in a thread of its own, and connections belong to threads.
"""

from __future__ import annotations

import os
import time

if os.environ.get("BENCH_CALLERS_POOL") == "1":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    from django.conf import settings

    _db = settings.DATABASES["default"]
    _db["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
    _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 10}

from minyi.asgi import application as django_application  # noqa: E402


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
