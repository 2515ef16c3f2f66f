"""Django's ASGI handler, with two costs of its own taken out (bench/RESULTS.md, callers).

Django serves every ASGI request like this: a new worker thread for the request's sync code
(``ThreadSensitiveContext``), joined afterwards by yet another new thread, and its middleware
in async mode, so every ``process_request`` and ``process_response`` moves to that worker and
back. On a 2-CPU server that was ~2 ms of CPU per request before any view ran. Here:

- the middleware stack is built synchronous (as under WSGI) and entered once per request, with
  CSRF's ``process_view`` and the view in the same call: three hand-overs per request (the
  request-started signal, the stack, closing the response) instead of about twenty;
- the worker threads are reused: each request still gets a thread of its own for all its sync
  code (DB connections and transactions stay on one thread, as Django requires), taken from a
  small pool of idle single-thread executors (``ThreadSensitiveContext(executor=...)``,
  asgiref's supported way to supply one) and put back when the request is over, unless the
  thread is still busy (a client that went away mid-view).

Streaming responses (the console's SSE stream) are still sent by the event loop. An async view
runs on the loop through ``async_to_sync`` and holds its request's thread meanwhile (the project
has none). A thread idle for over a minute is ended when the next request finishes, its
database connections closed first (with ``DB_POOL_MAX=0`` an idle thread would otherwise keep a
persistent connection open).

It overrides or calls Django's private API (``ASGIHandler.__call__``, ``handle``,
``load_middleware``, ``adapt_method_mode``, ``_middleware_chain``) and asgiref's
``ThreadSensitiveContext(executor=...)``: tests/core/test_asgi_private_api.py pins what it was
checked against and trips when an upgrade changes it. ``MINYI_ASGI_HANDLER=django`` serves with
Django's own handler instead (``get_asgi_application`` below).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler
from django.db import connections

# Idle request threads kept for reuse; a burst beyond this many concurrent requests makes new
# threads that end with their request.
MAX_IDLE_THREADS = 32
IDLE_SECONDS = 60.0


class RequestThread(ThreadPoolExecutor):
    """One worker thread that knows whether it is still running something."""

    def __init__(self):
        super().__init__(max_workers=1, thread_name_prefix="minyi-request")
        self._pending = 0
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            self._pending += 1

        def run():
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self._pending -= 1

        return super().submit(run)

    @property
    def idle(self) -> bool:
        with self._lock:
            return self._pending == 0

    def retire(self) -> None:
        """Close this thread's database connections, then end the thread (without waiting)."""
        self.submit(connections.close_all)
        self.shutdown(wait=False)


class MinyiASGIHandler(ASGIHandler):
    def __init__(self):
        # (thread, when it became idle), most recently used last.
        self._idle_threads: deque[tuple[RequestThread, float]] = deque()
        self._idle_lock = threading.Lock()  # one loop per process normally; tests run several
        super().__init__()

    def load_middleware(self, is_async=False):
        # Built as under WSGI, then adapted once at the top (one sync_to_async per request).
        super().load_middleware(is_async=False)
        self._middleware_chain = self.adapt_method_mode(True, self._middleware_chain, False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = self._take_thread()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            self._give_back(thread)

    def _take_thread(self) -> RequestThread:
        with self._idle_lock:
            if self._idle_threads:
                return self._idle_threads.pop()[0]
        return RequestThread()

    def _give_back(self, thread: RequestThread) -> None:
        now, retired = time.monotonic(), []
        with self._idle_lock:
            if thread.idle and len(self._idle_threads) < MAX_IDLE_THREADS:
                self._idle_threads.append((thread, now))
            else:
                retired.append(thread)  # ends after its current call, if a client left mid-view
            while self._idle_threads and now - self._idle_threads[0][1] > IDLE_SECONDS:
                retired.append(self._idle_threads.popleft()[0])
        for old in retired:
            old.retire()


def get_asgi_application() -> ASGIHandler:
    """The handler the setting ``MINYI_ASGI_HANDLER`` names: ours, or Django's own."""
    django.setup(set_prefix=False)
    from django.conf import settings

    if settings.MINYI_ASGI_HANDLER == "django":
        return ASGIHandler()
    return MinyiASGIHandler()
