"""Our ASGI handler (minyi/core/asgi.py) leans on Django's and asgiref's private API; it has an
off switch (``MINYI_ASGI_HANDLER=django``), and these tests trip when an upgrade changes what it
leans on, so that someone re-checks it before it misbehaves in production.

When a source hash below no longer matches: read the new code of that function in the installed
Django (or asgiref) beside minyi/core/asgi.py, and re-check what the message names. Then serve a
page with both settings of ``MINYI_ASGI_HANDLER``, run tests/core/test_asgi_*.py, and only then
update ``CHECKED_AGAINST`` and the hash here. Until that is done, production can run
``MINYI_ASGI_HANDLER=django``.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asgiref
import django
import pytest
from asgiref.sync import SyncToAsync, ThreadSensitiveContext
from asgiref.testing import ApplicationCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.test import override_settings

from minyi.core.asgi import MinyiASGIHandler, get_asgi_application
from tests.asgi_scope import http_get_scope

PROJECT = Path(__file__).resolve().parents[2]
CHECKED_AGAINST = "Django 5.2.19, asgiref 3.13.0"

# What minyi/core/asgi.py relies on: (the code, the sha256 of its source (first 16 hex digits)
# in CHECKED_AGAINST, what to re-check when it changes).
PRIVATE_API = {
    "ASGIHandler.__call__": (
        ASGIHandler.__call__,
        "f756809e9c9308dc",
        "MinyiASGIHandler.__call__ replaces it: carry over whatever Django's now does around "
        "handle() (scope checks, ThreadSensitiveContext, cancellation)",
    ),
    "ASGIHandler.__init__": (
        ASGIHandler.__init__,
        "41379d4f4b69f900",
        "MinyiASGIHandler.__init__ calls it, which must still call load_middleware(is_async=...)",
    ),
    "ASGIHandler.handle": (
        ASGIHandler.handle,
        "98faeb5bef800331",
        "MinyiASGIHandler.__call__ awaits handle(scope, receive, send) inside its "
        "ThreadSensitiveContext; handle must still run the request's sync code through "
        "sync_to_async (the thread-hop test counts the hand-overs)",
    ),
    "BaseHandler.load_middleware": (
        BaseHandler.load_middleware,
        "a1fb7ee5f8586195",
        "MinyiASGIHandler.load_middleware builds the stack with is_async=False and adapts "
        "_middleware_chain once: check that the chain is still stored in _middleware_chain",
    ),
    "BaseHandler.adapt_method_mode": (
        BaseHandler.adapt_method_mode,
        "1f6383b647ac2959",
        "MinyiASGIHandler.load_middleware calls adapt_method_mode(True, chain, False) positionally",
    ),
    "BaseHandler.get_response_async": (
        BaseHandler.get_response_async,
        "ad82c920df0cebbb",
        "it awaits self._middleware_chain(request): our chain must stay an awaitable there",
    ),
    "ThreadSensitiveContext": (
        ThreadSensitiveContext,
        "da8ec00f861b8bdf",
        "MinyiASGIHandler passes its own single-thread executor: ThreadSensitiveContext("
        "executor=...) must still make every sync_to_async of the request run on it",
    ),
    "SyncToAsync.__call__": (
        SyncToAsync.__call__,
        "6376e33c6d3d94c5",
        "it picks the thread-sensitive context's executor: a request's sync code must still run "
        "on the executor our handler gave its ThreadSensitiveContext",
    ),
}

SIGNATURES = {
    "ASGIHandler.handle": (ASGIHandler.handle, "(self, scope, receive, send)"),
    "BaseHandler.load_middleware": (BaseHandler.load_middleware, "(self, is_async=False)"),
    "BaseHandler.adapt_method_mode": (
        BaseHandler.adapt_method_mode,
        "(self, is_async, method, method_is_async=None, debug=False, name=None)",
    ),
}


def source_hash(obj) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


@pytest.mark.parametrize("name", PRIVATE_API)
def test_the_private_api_our_handler_leans_on_is_what_it_was_checked_against(name):
    code, expected, recheck = PRIVATE_API[name]

    assert source_hash(code) == expected, (
        f"{name} changed in Django {django.get_version()} / asgiref {asgiref.__version__} "
        f"(minyi/core/asgi.py was checked against {CHECKED_AGAINST}). Re-check: {recheck}. "
        "Until then production can set MINYI_ASGI_HANDLER=django; see this file's docstring."
    )


@pytest.mark.parametrize("name", SIGNATURES)
def test_the_private_methods_our_handler_calls_keep_their_signatures(name):
    code, expected = SIGNATURES[name]

    assert str(inspect.signature(code)) == expected, (
        f"{name}{inspect.signature(code)} is not {name}{expected} as in {CHECKED_AGAINST}: "
        "re-check minyi/core/asgi.py's calls to it, or set MINYI_ASGI_HANDLER=django."
    )


def test_the_thread_sensitive_context_still_takes_an_executor():
    parameters = inspect.signature(ThreadSensitiveContext).parameters

    assert "executor" in parameters, (
        f"asgiref {asgiref.__version__}: ThreadSensitiveContext() takes no executor any more; "
        "MinyiASGIHandler cannot reuse its request threads (MINYI_ASGI_HANDLER=django meanwhile)"
    )


# -- the switch ------------------------------------------------------------------------------------


def get_page(application, path: str) -> tuple[int, bytes]:
    """One GET through an ASGI application (asgiref's test communicator): status and body."""

    async def exchange():
        scope = http_get_scope(path)
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(timeout=30)
        body = b""
        while True:
            message = await communicator.receive_output(timeout=30)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(timeout=30)
        return start["status"], body

    # a loop of its own in a thread: the browser tests leave an event loop in the main thread
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, exchange()).result()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("setting", "handler"), [("minyi", MinyiASGIHandler), ("django", ASGIHandler)]
)
def test_both_handlers_serve_the_login_page(setting, handler):
    with override_settings(MINYI_ASGI_HANDLER=setting):
        application = get_asgi_application()

    assert type(application) is handler
    status, body = get_page(application, "/login/")
    assert status == 200
    assert "登录".encode() in body


def test_an_unknown_handler_name_stops_the_start_with_a_message(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "1",
        "MINYI_VAR_DIR": str(tmp_path),
        "MINYI_ASGI_HANDLER": "gunicorn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "MINYI_ASGI_HANDLER='gunicorn'" in result.stderr
