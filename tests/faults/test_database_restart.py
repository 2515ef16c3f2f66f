"""PostgreSQL restarted in the middle of the working day: the app answers a quick 503 while it
is away and comes back by itself; the worker and the scheduler stay up and carry on; /readyz
goes 503 and back to 200; every SMS of every order that was saved is sent exactly once.

Real processes (uvicorn serving minyi.asgi, our db_worker and scheduler) on a PostgreSQL cluster
of the test's own, on its own port, so it runs in the SQLite and the PostgreSQL run alike and
never touches the shared server. Operators record deputies' orders through the console while
the cluster is stopped for longer than a request may wait, then started again.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from minyi.core.idempotency import new_key
from minyi.notify.backends import key_digest
from minyi.notify.models import OutboxMessage
from minyi.orders.models import WorkOrder
from tests.faults.cluster import (
    ThrowawayPostgres,
    free_port,
    postgres_bin_dir,
    postgres_user_exists,
)
from tests.faults.seed import OPERATOR, PASSWORD
from tests.faults.stack import Answer, Browser, Processes, wait_for

# The defaults under test: a request waits at most DB_POOL_TIMEOUT (5 s) for a connection.
POOL_TIMEOUT = 5.0
FAIL_FAST = POOL_TIMEOUT + 1.5
OUTAGE = POOL_TIMEOUT + 3  # long enough that requests start and fail inside it


@dataclass
class Stack:
    processes: Processes
    base: str
    ids: dict
    sms_file: Path
    database_url: str


def why_no_cluster() -> str:
    if postgres_bin_dir() is None:
        return (
            "the restart test needs PostgreSQL's initdb and pg_ctl (/usr/lib/postgresql/*/bin, "
            "the PATH, or MINYI_PG_BIN)"
        )
    if os.geteuid() == 0 and not postgres_user_exists():
        return "the restart test runs as root, so it needs a 'postgres' OS user to run PostgreSQL"
    return ""


@pytest.fixture
def cluster():
    if missing := why_no_cluster():
        if os.environ.get("MINYI_REQUIRE_POSTGRES") or os.environ.get("CI"):
            pytest.fail(missing)  # never skipped where PostgreSQL is required
        pytest.skip(missing)
    pg = ThrowawayPostgres(postgres_bin_dir())
    try:
        pg.init()
        pg.start()
        pg.create_database("minyi")
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def stack(cluster, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        # the app's defaults, whatever the developer's shell sets
        if not key.startswith(("DB_", "MINYI_", "DATABASE_URL", "TASKS_BACKEND"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",  # production settings, test secret and hosts
        DEBUG="0",
        DATABASE_URL=cluster.url("minyi"),
        MINYI_VAR_DIR=str(tmp_path / "var"),
        MINYI_SMS_BACKEND="file",
        MINYI_SMS_FILE=str(tmp_path / "sms.jsonl"),
        # the worker is slower than the operators, so messages wait in the outbox when the
        # database goes away, and one is often caught between the provider and its record
        MINYI_SMS_PAUSE_AFTER_SEND_MS="200",
        MINYI_SMS_LEASE_SECONDS="3",
        MINYI_SMS_BACKOFF_SECONDS="1",
        MINYI_DB_RETRY_MAX_SECONDS="2",
        MINYI_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    processes = Processes(env, tmp_path)
    try:
        processes.run("manage.py", "migrate", "--noinput", "-v0")
        ids = json.loads(processes.run("-m", "tests.faults.seed").strip().splitlines()[-1])
        port = free_port()
        processes.start(
            "web", "-m", "uvicorn", "minyi.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        )  # fmt: skip
        processes.start(
            "worker", "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"
        )
        processes.start("scheduler", "manage.py", "scheduler", "--outbox-every", "2")
        yield Stack(
            processes, f"http://127.0.0.1:{port}", ids, tmp_path / "sms.jsonl", cluster.url("minyi")
        )
    finally:
        processes.stop_all()


@dataclass
class Request:
    kind: str
    started: float
    answer: Answer | None
    error: str = ""

    @property
    def ended(self) -> float:
        return self.started + (self.answer.seconds if self.answer else 0)


class Load:
    """Two operators recording deputies' orders, one reading the API, and a monitor polling
    /readyz, until ``stop``; every request is kept with when it started and how it ended."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.phones = itertools.count(1)
        self.threads: list[threading.Thread] = []

    def timed(self, kind: str, call) -> Answer | None:
        started = time.monotonic()
        try:
            answer, error = call(), ""
        except OSError as exc:  # a timeout or a dropped connection: the test fails on it
            answer, error = None, f"{type(exc).__name__}: {exc}"
        with self.lock:
            self.requests.append(Request(kind, started, answer, error))
        return answer

    def operator(self, browser: Browser) -> None:
        while not self.stopping.is_set():
            with self.lock:
                n = next(self.phones)
            form = {
                "channel": "deputy_call",
                "deputy": self.stack.ids["deputy"],
                "requester_name": "群众甲",
                "requester_phone": f"+86137{n:08d}",
                "request_type": self.stack.ids["request_type"],
                "urgency": "normal",
                "complexity": "normal",
                "title": f"路灯不亮 {n}",
                "content": "小区门口路灯连续三晚不亮。",
                "decision": "accept",
                "idempotency_key": new_key(),  # each form a new submission
            }
            self.timed("intake", lambda form=form: browser.post("/console/intake/", form))
            time.sleep(0.3)

    def reader(self, browser: Browser) -> None:
        while not self.stopping.is_set():
            self.timed("api", lambda: browser.get("/api/orders/"))
            time.sleep(0.3)

    def monitor(self) -> None:
        browser = Browser(self.stack.base)
        while not self.stopping.is_set():
            self.timed("readyz", lambda: browser.get("/readyz"))
            time.sleep(0.3)

    def start(self) -> None:
        operators = [Browser(self.stack.base) for _ in range(3)]
        for browser in operators:
            browser.sign_in(OPERATOR, PASSWORD)
        self.threads = [
            threading.Thread(target=self.operator, args=(operators[0],)),
            threading.Thread(target=self.operator, args=(operators[1],)),
            threading.Thread(target=self.reader, args=(operators[2],)),
            threading.Thread(target=self.monitor),
        ]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def timeline(self, down: float, up: float) -> str:
        """For a failure message: each request's start and end relative to the stop."""
        return f"stopped at 0, started again at {up - down:.1f}:\n" + "\n".join(
            f"{r.kind:7} {r.started - down:6.1f} → {r.ended - down:6.1f} "
            f"{r.answer.status if r.answer else r.error}"
            for r in sorted(self.requests, key=lambda r: r.started)
            if r.ended > down - 1
        )

    def of(self, kind: str, *, started_after=0.0, ended_before=float("inf")) -> list[Request]:
        return [
            r
            for r in self.requests
            if r.kind == kind and r.started >= started_after and r.ended <= ended_before
        ]


def query(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute(sql).fetchall()


def test_a_database_restart_under_load_fails_fast_recovers_by_itself_and_sends_every_sms_once(
    stack, cluster
):
    probe = Browser(stack.base)
    wait_for(lambda: probe.get("/readyz").status == 200, timeout=60, what="/readyz 200 at first")

    load = Load(stack)
    load.start()
    try:
        time.sleep(2)
        down_wall = datetime.now(UTC)
        cluster.stop("fast")
        down = time.monotonic()
        time.sleep(OUTAGE)
        cluster.start()
        up, up_wall = time.monotonic(), datetime.now(UTC)
        # carry on until operators have saved orders again (bounded)
        wait_for(
            lambda: (
                sum(
                    1
                    for r in load.of("intake", started_after=up)
                    if r.answer and r.answer.status == 302
                )
                >= 4
            ),
            timeout=30,
            what="orders saved after the restart",
        )
    finally:
        load.stop()

    # every request got an answer, quickly, and never a 500
    failed = [r for r in load.requests if r.answer is None]
    assert not failed, f"requests without an answer: {failed[:3]}"
    slowest = max(load.requests, key=lambda r: r.answer.seconds)
    assert slowest.answer.seconds < FAIL_FAST, f"a request hung: {slowest}"
    expected = {"intake": {302, 503}, "api": {200, 503}, "readyz": {200, 503}}
    wrong = [r for r in load.requests if r.answer.status not in expected[r.kind]]
    assert not wrong, [(r.kind, r.answer.status, r.answer.body[:300]) for r in wrong[:3]]

    # while the database was away: a Chinese page, the API's JSON, and /readyz said 503
    def unavailable(kind: str) -> list[Answer]:
        ended_meanwhile = [r for r in load.of(kind) if down <= r.ended <= up]
        assert all(r.answer.status == 503 for r in ended_meanwhile if r.started >= down)
        return [r.answer for r in ended_meanwhile if r.answer.status == 503]

    for kind in ("intake", "api", "readyz"):
        assert unavailable(kind), load.timeline(down, up)
    page = unavailable("intake")[0]
    assert "服务暂时不可用" in page.body and page.headers["content-type"].startswith("text/html")
    assert json.loads(unavailable("api")[0].body)["code"] == "unavailable"
    readyz = json.loads(unavailable("readyz")[0].body)
    assert readyz["database"] == {"status": "unreachable"}

    # and back by itself: /readyz 200 again (fresh heartbeats of both processes), which are
    # the same processes as before
    report = wait_for(
        lambda: (a := probe.get("/readyz")).status == 200 and json.loads(a.body),
        timeout=30,
        what="/readyz 200 after the restart",
    )
    assert report["worker"]["status"] == report["scheduler"]["status"] == "ok"
    for name in ("web", "worker", "scheduler"):
        assert stack.processes.running[name].poll() is None, stack.processes.log(name)[-3000:]
    for name, label in (("worker", "db_worker"), ("scheduler", "scheduler")):
        log = stack.processes.log(name)
        assert f"{label}: database unavailable" in log and "reachable again" in log, log[-3000:]

    # every SMS of every saved order sent, exactly once
    outbox, orders = OutboxMessage._meta.db_table, WorkOrder._meta.db_table
    wait_for(
        lambda: not query(stack.database_url, f"SELECT 1 FROM {outbox} WHERE status <> 'sent'"),
        timeout=60,
        what="the outbox to be empty",
    )
    saved = {row[0] for row in query(stack.database_url, f"SELECT number FROM {orders}")}
    told_saved = {
        r.answer.headers["location"].rstrip("/").rsplit("/", 1)[-1]
        for r in load.of("intake")
        if r.answer.status == 302
    }
    assert told_saved <= saved  # an operator told "saved" was right
    rows = query(
        stack.database_url,
        f"SELECT o.number, m.idempotency_key, m.created_at, m.sent_at "
        f"FROM {outbox} m JOIN {orders} o ON o.id = m.order_id WHERE m.channel = 'sms'",
    )
    per_order = {number: sum(1 for row in rows if row[0] == number) for number in saved}
    assert set(per_order.values()) == {2}, per_order  # the deputy and the requester
    # the file keeps each key's digest, never the key (it holds the recipient's number)
    sent_keys = [json.loads(line)["digest"] for line in stack.sms_file.read_text().splitlines()]
    assert len(sent_keys) == len(set(sent_keys))
    assert set(sent_keys) == {key_digest(row[1]) for row in rows}
    # some were queued before the database went away and sent once it was back
    carried_over = [key for _, key, created, sent in rows if created < down_wall and sent > up_wall]
    assert carried_over, "no message queued before the stop was left to send after the start"
