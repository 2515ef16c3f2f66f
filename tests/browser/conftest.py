"""Headless Debian Chromium driven by Playwright (no browser download: DEVELOPERS.md).

Without /usr/bin/chromium the browser tests skip locally; with MINYI_REQUIRE_BROWSER=1 (CI)
they fail instead, so a CI run can never pass without them.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("MINYI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# The live server runs Django in a thread while Playwright's sync API drives the page.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("MINYI_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def asgi_server(transactional_db, settings):
    """The app under uvicorn in a thread, on the test database: server-sent events need ASGI,
    which the WSGI ``live_server`` cannot stream."""
    import socket
    import threading
    import time

    import uvicorn

    # Close each request's connection when it ends, so the server threads hold none afterwards.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # log_config=None: the app's logging (settings.LOGGING, every handler masking numbers)
    # stays in force, as in production where the app configures it after uvicorn has
    config = uvicorn.Config(
        "minyi.asgi:application",
        host="127.0.0.1",
        port=port,
        log_config=None,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 10 s")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    _drop_server_connections()


def _drop_server_connections() -> None:
    """Without a pool, an event stream cut by the shutdown can leave its worker thread's
    connection open; on PostgreSQL that would block dropping the test database at the end."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("pool"):
        return  # pooled connections go back to the pool; terminating them would break it
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
