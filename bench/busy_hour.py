#!/usr/bin/env python
"""The busy hour (issue 13): every role at once against the app served the production way.

1. The personas are created in the bench database when missing (bench/busy_hour_setup.py:
   operators, dispatchers, a handler for each of the departments holding the most orders,
   callback agents, liaison officers, deputies with a number and a 码上找代表 code), a CTI token
   for the webhook, and the citizens' SMS codes issued beforehand through the service.
2. The app starts as README's production command starts it — ``uvicorn minyi.asgi:application
   --workers N --proxy-headers --no-server-header`` (N: ``--workers``, default the CPUs), DEBUG
   off, the cache and the console's event fan-out in a Redis of its own (``redis-server`` on a
   free loopback port; ``REDIS_URL`` when there is no redis-server) — on a free loopback port.
3. locust, headless and bounded (``--duration``, default 600 s, 60 s with ``--quick``), runs the
   users of bench/busy_hour_users.py paced to ``--rate`` requests/s (default 200): reads
   dominate, as in a real busy hour. Its statistics start once every user has signed in.
4. Per-endpoint p50/p95/p99/max and errors, the achieved rate, and the CPU each side used, read
   from /proc: the app's processes, the database's backends serving it, Redis, the load
   generator, and the whole machine; the larger of the app and PostgreSQL is what limits it.
   Written to bench/RESULTS.md (section ``bench:busyhour:<orders>``) unless ``--no-results``.
5. What the run added is removed (its orders with everything pointing at them, calls,
   messages, SMS codes), so the loaded orders stay as loaded.

Goal: ``--rate`` 200 for 10 minutes with no error, p95 under 200 ms and the webhook's p99 under
50 ms. Exit code 1 when it is missed or the run fails.

``DATABASE_URL`` selects the database (default postgres://postgres@127.0.0.1:5432/minyi_bench,
``…/minyi_bench_quick`` with ``--quick``); it must already hold the loaded orders (``bench/run.py
--load-only``); this bench never loads them.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.db import DEFAULT_URL, QUICK_URL, setup_django, sql_scalar  # noqa: E402

HOST = "127.0.0.1"
VAR_DIR = ROOT / "var" / "bench-busyhour"
GOAL_RATE = 200.0
GOAL_P95_MS = 200.0
GOAL_WEBHOOK_P99_MS = 50.0
WEBHOOK = "POST /api/cti/events"
SPAWN_RATE = 20  # users started per second
# role: (users, requests in one round, share of all requests). The shares make a busy hour's
# mix (reads dominate); the chain of the hour's orders keeps up: dispatchers, handlers and
# callback agents take their orders at least as fast as the operators record them.
ROLES = {
    "operators": (30, 7.0, 0.22),  # ring, answer, 2 × duplicate panel, save, its page, hangup
    "dispatchers": (6, 3.0, 0.11),  # queue, order page, dispatch
    "handlers": (20, 3.0, 0.27),  # a tab, an order page, sign or reply (or only read)
    "callbacks": (6, 3.0, 0.10),  # callback list, order page, callback
    "liaisons": (4, 2.0, 0.05),  # ledger, statistics
    "citizens": (40, 1.05, 0.25),  # a deputy's page; one in twenty posts a message
}
POST_SHARE = 0.05
CONSOLES = 4  # operators' consoles open on the event stream during the hour


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def paces(rate: float) -> dict[str, float]:
    """Seconds per round for each role, so that the whole comes to ``rate`` requests/s."""
    return {role: users * per / (share * rate) for role, (users, per, share) in ROLES.items()}


# -- CPU from /proc --------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all processes, every helper's too)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICK


def backends(db: str) -> list[int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [db],
        )
        return [r[0] for r in cur.fetchall()]


def snapshot(groups: dict[str, list[int]]) -> dict[str, dict[int, float]]:
    return {name: {pid: cpu_of(pid) for pid in pids} for name, pids in groups.items()}


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two snapshots (a process new since counts from 0)."""
    return {
        name: sum(max(0.0, t - before.get(name, {}).get(pid, 0.0)) for pid, t in pids.items())
        for name, pids in after.items()
    }


# -- the processes ---------------------------------------------------------------------------------


class Redis:
    """A redis-server of the bench's own on the loopback (no file written), or ``REDIS_URL``."""

    def __init__(self, log: Path, *, wanted: bool = True):
        self.proc = None
        self.url = os.environ.get("REDIS_URL", "") if wanted else ""
        binary = shutil.which("redis-server")
        if wanted and binary and not self.url:
            port = free_port()
            self.proc = subprocess.Popen(
                [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            self.url = f"redis://{HOST}:{port}/0"
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    socket.create_connection((HOST, port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def production_command(port: int, workers: int) -> list[str]:
    """README's production command (Production deployment, step 4) on the loopback."""
    return [
        sys.executable, "-m", "uvicorn", "minyi.asgi:application",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--proxy-headers", "--no-server-header",
    ]  # fmt: skip


class App:
    """The app under uvicorn with ``workers`` processes, in a session of its own."""

    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.command = production_command(self.port, workers)
        self.log = VAR_DIR / "uvicorn.log"
        self.proc = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the app did not start; see {self.log}")
            time.sleep(0.2)
        # every worker imports Django by itself: let them all come up before the load
        deadline = time.monotonic() + 60
        while len(self.pids()) < workers + 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def pids(self) -> list[int]:
        """The supervisor and its worker processes (uvicorn's multiprocessing helpers too)."""
        return [self.proc.pid, *children(self.proc.pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


class Consoles:
    """``count`` operators' consoles listening to ``/console/events/`` while the hour runs, each
    on its own connection (the workers share them out), each noting the rings it was shown. A
    ring is answered by whichever worker took the webhook's request: a console that sees every
    ring saw the ones the other workers handled (Redis's fan-out, README "Operator console")."""

    def __init__(self, port: int, sessions: list[str]):
        self.port = port
        self.seen: list[set[str]] = [set() for _ in sessions]
        self.opened = 0  # streams opened: one per console, more when one had to reconnect
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._listen, args=(key, seen), daemon=True)
            for key, seen in zip(sessions, self.seen, strict=True)
        ]
        for thread in self.threads:
            thread.start()

    def _listen(self, session: str, seen: set[str]) -> None:
        while not self.stopping.is_set():  # a stream that ends is opened again, as the page does
            try:
                # as patient as a browser's EventSource: a saturated server may be silent a while
                conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
                conn.request(
                    "GET",
                    "/console/events/",
                    headers={"Cookie": f"sessionid={session}", "Accept": "text/event-stream"},
                )
                response = conn.getresponse()
                self.opened += 1
                if response.status != 200:
                    time.sleep(1)
                    continue
                while not self.stopping.is_set():
                    line = response.fp.readline()
                    if not line:
                        break
                    if line.startswith(b"data:") and b'"busy-' in line:
                        seen.add(json.loads(line[5:])["call_id"])
            except (OSError, ValueError, KeyError, http.client.HTTPException):
                time.sleep(0.2)

    def stop(self) -> None:
        self.stopping.set()  # (a thread waiting on a silent stream ends with the process)
        for thread in self.threads:
            thread.join(timeout=1)


def server_env(url: str, redis_url: str, ttl: int) -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "SECURE_COOKIES": "0",  # plain http on the loopback: the session cookie must stick
            "SECURE_SSL_REDIRECT": "0",
            "MINYI_VAR_DIR": str(VAR_DIR),
            "MINYI_SMS_ALLOW_TEST_BACKEND": "1",
            "MINYI_MASHANG_SMS_CODE_TTL_SECONDS": str(ttl),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(":"),
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# -- locust's figures ------------------------------------------------------------------------------


def read_stats(prefix: Path) -> tuple[list[dict], list[dict]]:
    """Per-endpoint rows (the last is the aggregate) and the failures, from locust's CSV."""
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = [
            {
                "name": r["Name"],  # the users name every request "METHOD path"
                "count": int(r["Request Count"]),
                "errors": int(r["Failure Count"]),
                "rate": float(r["Requests/s"]),
                "p50": float(r["50%"] or 0),
                "p95": float(r["95%"] or 0),
                "p99": float(r["99%"] or 0),
                "max": float(r["Max Response Time"] or 0),
            }
            for r in csv.DictReader(f)
        ]
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as f:
            failures = list(csv.DictReader(f))
    return rows, failures


def run_locust(base: str, cast_file: Path, rate: float, duration: int, prefix: Path, on_ramp):
    """locust headless for the ramp and ``duration``; ``on_ramp(pid)`` once every user runs.
    Returns locust's CPU seconds over the measured part (its own process), or raises."""
    users = sum(u for u, _, _ in ROLES.values())
    ramp = math.ceil(users / SPAWN_RATE) + 3
    env = dict(os.environ)
    env.update(
        BUSY_HOUR_CAST=str(cast_file),
        BUSY_HOUR_PACE=json.dumps(paces(rate)),
        BUSY_HOUR_USERS=json.dumps({r: u for r, (u, _, _) in ROLES.items()}),
        BUSY_HOUR_POST_SHARE=str(POST_SHARE),
        BUSY_HOUR_HOST=HOST,
        PYTHONPATH=str(ROOT),
    )
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "busy_hour_users.py"),
        "--headless", "--host", base, "-u", str(users), "-r", str(SPAWN_RATE),
        "--run-time", f"{ramp + duration}s", "--reset-stats", "--csv", str(prefix),
        "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
    ]  # fmt: skip
    log = VAR_DIR / "locust.log"
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(ramp)
        if proc.poll() is not None:
            raise RuntimeError(f"locust stopped during the ramp; see {log}")
        on_ramp(proc.pid)
        proc.wait(timeout=duration + 120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise RuntimeError(f"locust did not stop in time; see {log}") from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    if not Path(f"{prefix}_stats.csv").exists():
        raise RuntimeError(f"locust wrote no statistics; see {log}")


# -- the report ------------------------------------------------------------------------------------


def verdicts(f: dict) -> dict[str, bool]:
    total = f["rows"][-1]
    webhook = next((r for r in f["rows"] if r["name"] == WEBHOOK), None)
    return {
        "consoles": min(f["consoles"]) == f["rings"],
        "rate": f["achieved"] >= 0.95 * f["rate"],
        "errors": total["errors"] == 0,
        "p95": total["p95"] < GOAL_P95_MS,
        "webhook": webhook is not None and webhook["p99"] < GOAL_WEBHOOK_P99_MS,
    }


def limit_text(f: dict) -> str:
    """What limits it, by the CPU each side used over the measured part."""
    wall, cpu, n = f["wall"], f["cpu"], f["nproc"]
    busy = cpu["machine"] / wall
    app, pg = cpu["app"] / wall, cpu["postgres"] / wall
    side = "the app's processes" if app >= pg else "PostgreSQL"
    if busy >= 0.9 * n:
        return (
            f"the machine's CPU is saturated ({busy:.2f} of {n} CPUs busy), {side} using the most "
            f"(app {app:.2f} CPUs, PostgreSQL {pg:.2f}, the load generator "
            f"{cpu['locust'] / wall:.2f}, Redis {cpu['redis'] / wall:.2f}, everything else "
            f"{max(0.0, busy - app - pg - (cpu['locust'] + cpu['redis']) / wall):.2f})"
        )
    return (
        f"not the CPU ({busy:.2f} of {n} CPUs busy); of the server's CPU {side} used the most "
        f"(app {app:.2f} CPUs, PostgreSQL {pg:.2f})"
    )


def consoles_text(f: dict) -> str:
    seen, rings = f["consoles"], f["rings"]
    return (
        f"{len(seen)} operators' consoles open on the event stream saw {min(seen):,}–"
        f"{max(seen):,} of the {rings:,} rings the app took ({'every one' if min(seen) == rings else 'NOT all'}"
        f"; {f['workers']} workers{', Redis fan-out' if f['redis'] else ', no Redis'}; "
        f"{f['streams'] - len(seen)} reconnections)"
    )


def print_figures(f: dict) -> None:
    print(
        f"  {'endpoint':<42} {'req':>7} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} ms"
    )
    for r in f["rows"]:
        print(
            f"  {r['name'][:42]:<42} {r['count']:>7,} {r['errors']:>4} {r['p50']:>6.0f} "
            f"{r['p95']:>6.0f} {r['p99']:>6.0f} {r['max']:>6.0f}"
        )
    total, wall = f["rows"][-1], f["wall"]
    print(f"  achieved {f['achieved']:.1f} requests/s of {f['rate']:.0f} over {wall:.0f} s")
    per = {k: v * 1000 / max(total["count"], 1) for k, v in f["cpu"].items()}
    print(
        "  CPU (cores): "
        + ", ".join(f"{k} {v / wall:.2f} ({per[k]:.1f} ms/request)" for k, v in f["cpu"].items())
    )
    print(f"  limit: {limit_text(f)}")
    print(f"  {consoles_text(f)}")
    for failure in f["failures"][:10]:
        print(f"  error: {failure.get('Method')} {failure.get('Name')}: {failure.get('Error')} "
              f"× {failure.get('Occurrences')}")  # fmt: skip
    v = verdicts(f)
    print("  goal: " + ", ".join(f"{k} {'PASS' if ok else 'FAIL'}" for k, ok in v.items()))


def render(f: dict, mach: dict) -> str:
    v = verdicts(f)
    total, wall, cpu = f["rows"][-1], f["wall"], f["cpu"]
    webhook = next((r for r in f["rows"] if r["name"] == WEBHOOK), None)

    def per_request(key: str) -> str:
        return f"{cpu[key] / wall:.2f} CPUs ({cpu[key] * 1000 / max(total['count'], 1):.1f} ms/request)"

    mark = f"bench:busyhour:{f['orders']}"
    lines = [
        f"<!-- {mark} -->",
        f"## The busy hour at {f['orders']:,} orders (bench/busy_hour.py)",
        "",
        f"{f['stamp'].header()} Database `{f['db']}`. The app: "
        f"`uvicorn minyi.asgi:application --workers {f['workers']} --proxy-headers "
        f"--no-server-header` (README's production command), DEBUG off, "
        f"{'Redis' if f['redis'] else 'no Redis'} for the cache and the console's events; "
        f"locust {f['locust_version']} headless on the same machine, {f['users']} users paced "
        f"to {f['rate']:.0f} requests/s, measured for {wall:.0f} s after every user signed in.",
        "",
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in f["rows"]:
        name = "**all**" if r["name"] == "Aggregated" else f"`{r['name']}`"
        lines.append(
            f"| {name} | {r['count']:,} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['max']:.0f} |"
        )
    goal = "PASS" if all(v.values()) else "FAIL"
    hook = f"{webhook['p99']:.0f} ms" if webhook else "none measured"
    lines += [
        "",
        f"Achieved **{f['achieved']:.1f} requests/s** ({'PASS' if v['rate'] else 'FAIL'}, "
        f"goal {GOAL_RATE:.0f}), errors {total['errors']} ({'PASS' if v['errors'] else 'FAIL'}), "
        f"p95 {total['p95']:.0f} ms ({'PASS' if v['p95'] else 'FAIL'}, goal < "
        f"{GOAL_P95_MS:.0f}), the webhook's p99 {hook} ({'PASS' if v['webhook'] else 'FAIL'}, "
        f"goal < {GOAL_WEBHOOK_P99_MS:.0f}): **{goal}**. The hour's chain: {f['chain']}.",
        "",
        f"CPU over the measured {wall:.0f} s: the app's {f['workers'] + 1} processes "
        f"{per_request('app')}, PostgreSQL's backends of this database {per_request('postgres')}, "
        f"Redis {per_request('redis')}, locust {per_request('locust')}; the whole machine "
        f"{cpu['machine'] / wall:.2f} of {mach['nproc']} CPUs. What limits it: {limit_text(f)}.",
        "",
        f"The console's events across processes: {consoles_text(f)}.",
        f"<!-- /{mark} -->",
        "",
    ]
    return "\n".join(lines)


def pending_migrations() -> list:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def chain(first: int) -> str:
    """How far the hour's orders got (counted before the clean-up): the orders above ``first``
    that the hour's operators recorded, by status."""
    rows = _rows(
        "SELECT o.status, count(*) FROM orders_workorder o JOIN accounts_user u "
        "ON u.id = o.created_by_id WHERE o.id > %s AND u.username LIKE 'busy-%%' GROUP BY 1",
        [first],
    )
    made = sum(n for _, n in rows)
    return f"{made:,} orders recorded by the operators, now " + ", ".join(
        f"{n:,} {status}" for status, n in sorted(rows)
    )


def _rows(query: str, params=None) -> list:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


# -- main ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 s on minyi_bench_quick")
    parser.add_argument("--duration", type=int, default=None, help="seconds measured (600)")
    parser.add_argument("--rate", type=float, default=GOAL_RATE, help="requests/s offered (200)")
    parser.add_argument("--workers", type=int, default=None, help="uvicorn workers (the CPUs)")
    parser.add_argument("--no-results", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="leave the run's orders in place")
    parser.add_argument(
        "--no-redis", action="store_true", help="no Redis (to see the consoles miss rings)"
    )
    args = parser.parse_args()
    # a SIGTERM (bench/run.py's timeout) still stops the app, Redis and locust (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    duration = args.duration or (60 if args.quick else 600)
    nproc = len(os.sched_getaffinity(0))
    workers = args.workers or nproc
    url = os.environ.get("DATABASE_URL") or (QUICK_URL if args.quick else DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"DATABASE_URL must be PostgreSQL for the benchmark, not {url!r}")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["MINYI_VAR_DIR"] = str(VAR_DIR)
    # the citizens' codes are issued before the hour: they must outlive it
    ttl = duration + 600
    os.environ["MINYI_MASHANG_SMS_CODE_TTL_SECONDS"] = str(ttl)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    load_before = report.loadavg() or 0.0
    stamp = report.Stamp()
    # bench/run.py has migrated the database and loaded its orders: this bench changes neither
    setup_django(url, migrate=False)

    from importlib.metadata import version

    from django.core.management import call_command
    from django.db import connection

    from bench import busy_hour_setup as setup
    from bench.load import bench_order_count

    db = connection.settings_dict["NAME"]
    if pending_migrations():
        raise SystemExit(f"{db} is not migrated: run bench/run.py (--load-only) first")
    orders = bench_order_count()
    if not orders:
        raise SystemExit(f"{db} holds no loaded orders: load them first (bench/run.py --load-only)")
    print(f"[busy hour] {db}: {orders:,} loaded orders; {workers} app workers; "
          f"{args.rate:.0f} requests/s for {duration} s", flush=True)  # fmt: skip
    marks = setup.high_water_marks()
    began = time.perf_counter()
    cast = setup.cast(operators=ROLES["operators"][0], dispatchers=ROLES["dispatchers"][0],
                      handlers=ROLES["handlers"][0], callbacks=ROLES["callbacks"][0],
                      liaisons=ROLES["liaisons"][0])  # fmt: skip
    citizen_rounds = ROLES["citizens"][2] * args.rate / ROLES["citizens"][1]
    codes = math.ceil(citizen_rounds * POST_SHARE * duration * 1.5) + 20
    listening = setup.signed_in(cast.operators[:CONSOLES])
    cast.citizens = setup.issue_sms_codes(codes, first=secrets.randbelow(10**8))
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"  personas and {codes:,} SMS codes ready in {time.perf_counter() - began:.1f} s",
          flush=True)  # fmt: skip
    first_order = sql_scalar("SELECT coalesce(max(id), 0) FROM orders_workorder")
    connection.close()

    redis = Redis(VAR_DIR / "redis.log", wanted=not args.no_redis)
    app = consoles = None
    figures: dict = {}
    try:
        app = App(server_env(url, redis.url, ttl), workers)
        print(f"  app on {app.base}: {' '.join(app.command[2:])}", flush=True)
        consoles = Consoles(app.port, list(listening.values()))
        with tempfile.TemporaryDirectory() as tmp:
            cast_file = Path(tmp) / "cast.json"
            cast_file.write_text(cast.dump())
            prefix = Path(tmp) / "locust"
            marks_cpu: dict = {}

            def groups(locust_pid: int) -> dict[str, list[int]]:
                return {
                    "app": app.pids(),
                    "postgres": backends(db),
                    "redis": [redis.proc.pid] if redis.proc else [],
                    "locust": [locust_pid],
                }

            def on_ramp(locust_pid: int) -> None:
                marks_cpu["pid"] = locust_pid
                marks_cpu["before"] = snapshot(groups(locust_pid))
                marks_cpu["machine"] = machine_busy()
                marks_cpu["t"] = time.perf_counter()

            # the end snapshot must see locust's process alive: read it from a watcher
            def watch() -> None:
                while "t" not in marks_cpu:
                    time.sleep(0.2)
                end = marks_cpu["t"] + duration
                while time.perf_counter() < end - 0.5:
                    time.sleep(0.2)
                marks_cpu["after"] = snapshot(groups(marks_cpu["pid"]))
                marks_cpu["machine_after"] = machine_busy()
                marks_cpu["t_after"] = time.perf_counter()

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            run_locust(app.base, cast_file, args.rate, duration, prefix, on_ramp)
            watcher.join(timeout=30)
            rows, failures = read_stats(prefix)
        time.sleep(10)  # the last rings' events on their way through a saturated event loop
        consoles.stop()
        if "after" not in marks_cpu:
            raise RuntimeError("the run ended before its measured part did")
        wall = marks_cpu["t_after"] - marks_cpu["t"]
        cpu = cpu_used(marks_cpu["before"], marks_cpu["after"])
        cpu["machine"] = marks_cpu["machine_after"] - marks_cpu["machine"]
        total = rows[-1]
        figures = {
            "rows": rows,
            "failures": failures,
            "rate": args.rate,
            "achieved": total["rate"],
            "wall": wall,
            "cpu": cpu,
            "nproc": nproc,
            "workers": workers,
            "orders": orders,
            "db": db,
            "redis": bool(redis.url),
            "users": sum(u for u, _, _ in ROLES.values()),
            # (never imported here: it patches the whole process for gevent)
            "locust_version": version("locust"),
            "consoles": [len(seen) for seen in consoles.seen],
            "streams": consoles.opened,
            "rings": sql_scalar(
                # the rings the app took (a ring answered 503 leaves its call to the answer)
                "SELECT count(*) FROM calls_calllog "
                "WHERE id > %s AND call_id LIKE %s AND rang_at IS NOT NULL",
                [marks["calls_calllog"], "busy-%"],
            ),
        }
    finally:
        if consoles is not None:
            consoles.stop()
        if app is not None:
            app.stop()
        redis.stop()
    figures["load"] = (load_before, report.loadavg() or 0.0)
    figures["stamp"] = stamp
    figures["chain"] = chain(first_order)
    print_figures(figures)
    setup.signed_out([*cast.sessions.values(), *listening.values()])
    if not args.keep:
        removed = setup.remove_run(marks)
        print(f"  removed the run's {removed['orders']:,} orders and its calls and messages")
    if not args.no_results:
        report.write_section(f"bench:busyhour:{orders}", render(figures, report.machine()))
        print(f"  written to {report.RESULTS.relative_to(ROOT)}")
    return 0 if all(verdicts(figures).values()) else 1


if __name__ == "__main__":
    from bench.child import guarded

    sys.exit(guarded(main))
