"""The ASGI handler: one worker thread per request, reused, and few hand-overs to it."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import asgiref.sync
import pytest
from django.core.signals import request_started

from minyi.asgi import application
from tests.asgi_scope import asgi_call

pytestmark = pytest.mark.django_db(transaction=True)


async def get(path: str) -> int:
    """One request through ``minyi.asgi.application``; its status code."""
    status, _, _ = await asgi_call(application, path)
    return status


def run(coroutine):
    # A loop in a thread of its own: the browser tests leave an event loop in the main thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def request_threads():
    """The thread (name, id) each request's sync code starts in."""
    names = []

    def record(**kwargs):
        names.append((threading.current_thread().name, threading.get_ident()))

    request_started.connect(record, weak=False)
    yield names
    request_started.disconnect(record)


def test_a_request_crosses_into_its_thread_three_times_not_per_middleware(monkeypatch):
    hops = []
    original = asgiref.sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(asgiref.sync.SyncToAsync, "__call__", counted)
    assert run(get("/healthz")) == 200
    # The request-started signal, the middleware stack with the view, closing the response.
    # Django's own handler made about twenty: two per middleware in async mode.
    assert len(hops) <= 3, hops


def test_requests_one_after_another_reuse_the_same_worker_thread(request_threads):
    async def three():
        return [await get("/healthz") for _ in range(3)]

    assert run(three()) == [200, 200, 200]
    assert len(set(request_threads)) == 1
    assert request_threads[0][0].startswith("minyi-request")


def test_requests_at_the_same_time_each_get_a_thread_of_their_own(request_threads):
    both_inside = threading.Barrier(2, timeout=5)
    request_started.connect(lambda **kw: both_inside.wait(), weak=False, dispatch_uid="both")
    try:

        async def two():
            return await asyncio.gather(get("/healthz"), get("/healthz"))

        assert run(two()) == [200, 200]  # one shared thread would break the barrier
    finally:
        request_started.disconnect(dispatch_uid="both")
    assert len(set(request_threads)) == 2


def test_a_page_not_found_still_answers_under_asgi():
    assert run(get("/no-such-page/")) == 404


def test_a_thread_idle_past_the_limit_closes_its_database_connections_and_ends(monkeypatch):
    from django.db import connections

    import minyi.core.asgi

    threads, databases = [], []

    def record(**kwargs):
        threads.append(threading.current_thread())
        databases.append(connections["default"])  # this thread's own connection wrapper

    monkeypatch.setattr(minyi.core.asgi, "IDLE_SECONDS", -1.0)  # every idle thread is too old
    if not connections.settings["default"]["OPTIONS"].get("pool"):
        # A persistent connection, as with DB_POOL_MAX=0: the request leaves it open.
        monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    request_started.connect(record, weak=False, dispatch_uid="record-thread")
    try:
        assert run(get("/healthz")) == 200
    finally:
        request_started.disconnect(dispatch_uid="record-thread")
    threads[0].join(timeout=5)
    assert not threads[0].is_alive()
    assert databases[0].connection is None
