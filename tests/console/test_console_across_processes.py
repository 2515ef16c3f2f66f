"""A ring the PBX posts to one app process pops up on a console whose event stream is served by
another: two real uvicorn processes on the test's database and one Redis, as a deployment with
several app processes runs (README "Operator console").

The test's Redis channel prefix is its own (``MINYI_REDIS_PREFIX``), as are its ports,
so the SQLite and the PostgreSQL runs of the suite may share one Redis at the same time."""

from __future__ import annotations

import http.client
import json
import os
import queue
import socket
import threading
import urllib.parse
import uuid

import pytest
import redis
from django.db import connection

from minyi.core.fanout import pubsub_channel
from tests.factories import ZHANG_MOBILE
from tests.faults.cluster import free_port
from tests.faults.stack import Browser, Processes, wait_for
from tests.redis_url import redis_url

PASSWORD = "Two-processes-2026"


def database_url() -> str:
    """The test database, for the servers: what the test commits, they read."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class EventStream:
    """An operator's console listening: the lines of its server-sent events, read in a thread."""

    def __init__(self, base: str, session: str):
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=20)
        self.connection.request(
            "GET", "/console/events/", headers={"Cookie": f"sessionid={session}"}
        )
        self.socket = self.connection.sock
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read(500)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                self.lines.put(raw.decode().rstrip("\n"))
        except (OSError, ValueError, AttributeError):  # closed at the end of the test
            pass

    def next_event(self, name: str, *, timeout: float) -> str:
        """The data of the next event called ``name`` (bounded wait)."""
        current = ""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"no {name!r} event on the stream within {timeout} s")
            if line.startswith("event: "):
                current = line.removeprefix("event: ")
            elif line.startswith("data:") and current == name:
                return line.removeprefix("data:").strip()

    def close(self) -> None:
        self.socket.shutdown(socket.SHUT_RDWR)  # the reader thread sees the end at once
        self.connection.close()


@pytest.fixture
def two_servers(tmp_path):
    url = redis_url()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DB_", "MINYI_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DEBUG="0",
        DATABASE_URL=database_url(),
        REDIS_URL=url,
        # this run's own pub/sub channel on the shared Redis
        MINYI_REDIS_PREFIX=f"minyi-test-{uuid.uuid4().hex[:12]}",
        MINYI_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    processes = Processes(env, tmp_path)
    bases = {}
    try:
        for name in ("a", "b"):
            port = free_port()
            processes.start(
                name, "-m", "uvicorn", "minyi.asgi:application",
                "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
            )  # fmt: skip
            bases[name] = f"http://127.0.0.1:{port}"
        for name, base in bases.items():
            wait_for(
                lambda base=base: Browser(base, timeout=2).get("/healthz").status == 200,
                timeout=60,  # two Django starts at once on a busy 2-CPU machine
                what=f"server {name} to answer",
            )
        yield bases
    finally:
        processes.stop_all()


def another_deployments_ring_on_the_same_redis() -> None:
    """What another deployment sharing the Redis (the suite's other run) publishes for a ring
    to every operator: its console must pop it up, ours must not. One of an older release on
    django-eventstream's own channel, one on another prefix's channel."""
    other = {"channel": "operators", "event_type": "ring", "pub_id": None}
    client = redis.Redis.from_url(redis_url())
    client.publish("events_channel", json.dumps({**other, "data": '{"call_id": "theirs-1"}'}))
    client.publish(
        pubsub_channel("minyi-other"), json.dumps({**other, "data": '{"call_id": "theirs-2"}'})
    )


@pytest.mark.django_db(transaction=True)
def test_a_ring_posted_to_one_process_pops_up_on_a_console_connected_to_another(
    two_servers, olivia, zhang, pbx_token
):
    bases = two_servers
    olivia.set_password(PASSWORD)
    olivia.save(update_fields=["password"])
    operator = Browser(bases["b"])
    operator.sign_in(olivia.username, PASSWORD)
    stream = EventStream(bases["b"], operator.cookie("sessionid"))
    try:
        stream.next_event("stream-open", timeout=10)
        another_deployments_ring_on_the_same_redis()

        ring = json.dumps({"event": "ring", "call_id": "two-1", "from": ZHANG_MOBILE}).encode()
        pbx = http.client.HTTPConnection(*urllib.parse.urlsplit(bases["a"]).netloc.split(":"))
        pbx.request(
            "POST",
            "/api/cti/events",
            body=ring,
            headers={"Authorization": f"Bearer {pbx_token}", "Content-Type": "application/json"},
        )
        assert pbx.getresponse().status == 200

        popped = json.loads(stream.next_event("ring", timeout=5))
    finally:
        stream.close()

    assert popped["call_id"] == "two-1"
    assert popped["deputy"]["name"] == "张三"
    assert popped["caller_masked"] == "138****8000"
