"""The Redis the tests that need one use: ``REDIS_URL``, else the local default. Where it is
not reachable those tests are skipped, or fail in CI (where a skip would hide a missing run).
Everything a test keeps in it is under a name of the test's own: the suite's SQLite and
PostgreSQL runs share it at the same time."""

from __future__ import annotations

import os

import pytest
import redis


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("MINYI_REQUIRE_POSTGRES") or os.environ.get("CI"):
            pytest.fail(f"this test needs Redis at {url}: {error}")
        pytest.skip(f"this test needs Redis at {url} (set REDIS_URL)")
    return url
