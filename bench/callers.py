#!/usr/bin/env python
"""Caller identification bench (issue 3): who is calling, with 200,000 deputies on PostgreSQL.

Figures:

1. the registry: 200,000 deputies, 400,000 numbers (E.164, unique, 8 % landlines), 1–4 mandates
   each across congresses of all five levels, a few ended; loaded by COPY, skipped when present;
2. caller lookup through the webhook: the app under uvicorn (DEBUG off), 5,000 ``ring`` events
   POSTed one after another over one keep-alive connection, callers in several raw formats
   (13800138000, +86 138-0013-8000, 013800138000, 008613800138000, 0731-85309270, local
   85309270) plus unknown and hidden numbers; p50/p95/p99/max of the client's round trip and of
   the app's own time (Server-Timing), and of ``deputy_for_caller`` alone in this process for
   20,000 callers; EXPLAIN ANALYZE of the lookup query (does it use the number's unique index?);
3. webhook to banner in headless Chromium: an operator signed in on /console/, 30 rings posted
   from the page, the time until ``#banner-text`` shows the expected banner, measured in the page.

Options: ``--quick`` (20,000 deputies in ``minyi_bench_callers_quick``, fewer samples),
``--reload`` (load the registry again), ``--no-results`` (do not touch bench/RESULTS.md; a
``--quick`` run never writes it), ``--rings N``, ``--lookups N``, ``--banners N``. The section
``<!-- bench:callers -->`` of bench/RESULTS.md is replaced on each full run. Exit code 1 when a
target is missed. About 3 minutes once loaded (+ 15 s for the load), 40 s with ``--quick``.

Its own database: ``postgres://postgres@127.0.0.1:5432/minyi_bench_callers`` (created if
missing, migrated); ``--database-url`` picks another. It truncates the registry and call tables
of that database, never anything else.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_callers"
QUICK_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_callers_quick"
VAR_DIR = ROOT / "var" / "bench-callers"  # collected static files and the server's log
HOST = "127.0.0.1"
OPERATOR = ("bench-operator", "bench-operator-42")
TARGET_LOOKUP_P99_MS = 10.0
TARGET_BANNER_MS = 300.0
MARK = "bench:callers"
WARMUP_RINGS = 200
WARMUP_LOOKUPS = 500
MIX = (
    "90 % registered numbers in a random raw form (mobiles as 13800138000, +86 138-0013-8000, "
    "013800138000 or 008613800138000; landlines as 0731-85309270, 073185309270 or, for the "
    "local area code 0731, 85309270), 8 % unknown mobiles, 2 % hidden or short caller IDs"
)


# -- small helpers -------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict:
    """Nearest-rank p50 / p95 / p99 and the max."""
    s = sorted(values)
    if not s:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": 0}

    def rank(p: float) -> float:
        return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]

    return {"n": len(s), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": s[-1]}


def fmt_ms(st: dict, keys=("p50", "p95", "p99", "max")) -> str:
    return " / ".join(f"{st[k]:.2f}" if st[k] < 100 else f"{st[k]:.0f}" for k in keys) + " ms"


# -- callers in the raw forms a PBX sends ----------------------------------------------------------


def raw_forms(e164: str) -> list[str]:
    """The ways a PBX may present a registered number."""
    national = e164.removeprefix("+86")
    if national.startswith("1"):  # mobile
        n = national
        return [n, f"+86 {n[:3]}-{n[3:7]}-{n[7:]}", "0" + n, "0086" + n]
    area = national[:3] if national[:2] not in ("10", "20", "21", "22") else national[:2]
    local = national[len(area) :]
    forms = [f"0{area}-{local}", f"0{area}{local}"]
    if area == "731":  # the bench's LOCAL_AREA_CODE: a local call comes without it
        forms.append(local)
    return forms


def caller_mix(rng: random.Random, numbers: list[str], registered: set[str], count: int):
    """``count`` (raw caller, registered E.164 or None): 90 % registered numbers in a random raw
    form, 8 % unknown but valid mobiles, 2 % hidden or short caller IDs."""
    from bench.callers_load import _mobile

    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.90:
            e164 = rng.choice(numbers)
            out.append((rng.choice(raw_forms(e164)), e164))
        elif roll < 0.98:
            while True:
                e164, national = _mobile(rng)
                if e164 not in registered:
                    break
            out.append((rng.choice([national, "0" + national]), None))
        else:
            out.append((rng.choice(["", "anonymous", "10086", "95588"]), None))
    return out


def identifying(numbers: list[str]) -> set[str]:
    """Which of these numbers identify a deputy (active person with an active mandate)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT p.number FROM deputies_deputyphone p
            JOIN deputies_deputy d ON d.id = p.deputy_id AND d.is_active
            WHERE p.number = ANY(%s) AND EXISTS (
                SELECT 1 FROM deputies_mandate m WHERE m.deputy_id = d.id AND m.ended_on IS NULL)
            """,
            [numbers],
        )
        return {row[0] for row in cur.fetchall()}


# -- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """uvicorn serving ``bench.callers_asgi`` (the app + a Server-Timing header) in a subprocess,
    its log in ``var_dir`` (the 码上找代表 bench serves its pages with it too)."""

    def __init__(self, env: dict, var_dir: Path = VAR_DIR):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = var_dir / "uvicorn.log"
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.callers_asgi:application",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--lifespan",
            "off",
            "--timeout-graceful-shutdown",
            "3",
        ]
        self._log = self.log.open("w")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"uvicorn exited ({self.proc.returncode}); see {self.log}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
                conn.close()
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"uvicorn did not answer within 30 s; see {self.log}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def cpu_seconds(self) -> float | None:
        """User + system CPU the server process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_env(var_dir: Path = VAR_DIR, **extra: str) -> dict:
    """The server's environment: this one, DEBUG off, plain HTTP on the loopback, ``extra``."""
    env = dict(os.environ)
    path = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env.update(
        {
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "SECURE_COOKIES": "0",  # plain http on the loopback: the session cookie must stick
            "SECURE_SSL_REDIRECT": "0",  # …and no redirect to an https the loopback does not serve
            "MINYI_VAR_DIR": str(var_dir),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(path),
            **extra,
        }
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


# -- figure 2: lookups -----------------------------------------------------------------------------


def webhook_rings(server: Server, token: str, callers, expected: set[str], warmup: int, tag: str):
    """POST a ring per caller over one keep-alive connection; round trip and app time (ms),
    and the server process's CPU time per measured request (unaffected by waiting for a CPU).

    The call logs are emptied first, so every run inserts into tables of the same size."""
    from bench.db import sql_exec

    sql_exec("TRUNCATE calls_callevent, calls_calllog")
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rtt, app, wrong, errors = [], [], 0, 0
    cpu0 = wall0 = None
    for i, (raw, e164) in enumerate(callers):
        if i == warmup:
            cpu0, wall0 = server.cpu_seconds(), time.perf_counter()
        body = json.dumps({"event": "ring", "call_id": f"b{tag}-{i}", "from": raw, "to": "12345"})
        t0 = time.perf_counter()
        conn.request("POST", "/api/cti/events", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status != 200:
            errors += 1
            if errors <= 3:
                print(f"  ring {i}: HTTP {response.status} {data[:200]!r}")
            continue
        if (json.loads(data)["deputy"] is not None) != (e164 in expected):
            wrong += 1
        if i < warmup:
            continue
        rtt.append(elapsed)
        timing = response.getheader("server-timing") or ""
        match = re.search(r"dur=([\d.]+)", timing)
        if match:
            app.append(float(match.group(1)))
    conn.close()
    cpu1, wall1 = server.cpu_seconds(), time.perf_counter()
    measured = max(len(rtt), 1)
    return {
        "rtt": percentiles(rtt),
        "app": percentiles(app),
        "cpu_ms": (cpu1 - cpu0) * 1000 / measured if None not in (cpu0, cpu1) else None,
        "rate": measured / (wall1 - wall0) if wall0 else 0.0,
        "loadavg": loadavg(),
        "wrong": wrong,
        "errors": errors,
        "count": len(callers) - warmup,
        "checked": len(callers) - errors,
    }


def floor_requests(server: Server, count: int) -> dict:
    """The server's floor: ``GET`` of a missing page (URL resolving, middleware, the 404 page;
    no view, no database) on one keep-alive connection; round trip and server CPU per request."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    times = []
    for i in range(count + 100):
        if i == 100:
            cpu0 = server.cpu_seconds()
        t0 = time.perf_counter()
        conn.request("GET", "/bench-callers-missing/")
        conn.getresponse().read()
        if i >= 100:
            times.append((time.perf_counter() - t0) * 1000)
    cpu1 = server.cpu_seconds()
    conn.close()
    out = percentiles(times)
    out["cpu_ms"] = (cpu1 - cpu0) * 1000 / count if None not in (cpu0, cpu1) else None
    return out


def webhook_figure(env, db, token, callers, expected, tag, then=None) -> dict:
    """Start a server with ``env``, POST the rings, count the PostgreSQL sessions it opened,
    run ``then(server)`` (the browser figure) on the same server, and stop it."""
    before = pg_sessions(db)
    server = Server(env)
    try:
        hook = webhook_rings(server, token, callers, expected, WARMUP_RINGS, tag)
        after = pg_sessions(db)
        hook["sessions"] = after - before if None not in (before, after) else None
        cpu = f"{hook['cpu_ms']:.2f} ms" if hook["cpu_ms"] is not None else "?"
        print(
            f"  webhook ring, {hook['count']:,} requests: round trip {fmt_ms(hook['rtt'])}; "
            f"app {fmt_ms(hook['app'])}; server CPU {cpu}/request; {hook['rate']:.0f} req/s; "
            f"PostgreSQL sessions opened: {hook['sessions']}; load average {hook['loadavg']}",
            flush=True,
        )
        hook["floor"] = floor_requests(server, 1_000)
        if then is not None:
            then(server)
    finally:
        server.stop()
    return hook


def lookups_in_process(callers, expected: set[str], warmup: int) -> dict:
    from minyi.calls.lookup import deputy_for_caller
    from minyi.deputies.phones import caller_e164

    times, norm, wrong = [], [], 0
    for i, (raw, e164) in enumerate(callers):
        t0 = time.perf_counter()
        card = deputy_for_caller(raw)
        t1 = time.perf_counter()
        caller_e164(raw)
        t2 = time.perf_counter()
        if (card is not None) != (e164 in expected):
            wrong += 1
        if i >= warmup:
            times.append((t1 - t0) * 1000)
            norm.append((t2 - t1) * 1000)
    return {
        "lookup": percentiles(times),
        "normalise": percentiles(norm),
        "wrong": wrong,
        "count": len(callers) - warmup,
        "checked": len(callers),
    }


def explain_lookup(e164: str) -> dict:
    """EXPLAIN ANALYZE of the lookup's one query; which index on DeputyPhone.number it used."""
    from django.db import connection

    from minyi.calls import lookup

    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deputies_deputyphone'"
        )
        on_number = {name: d for name, d in cur.fetchall() if re.search(r"\(number\b", d)}
    unique = next((n for n, d in on_number.items() if "UNIQUE" in d), "?")
    sql, params = lookup._active_seats_sql("number"), [e164, True]

    def explain(options: str) -> str:
        with connection.cursor() as cur:
            cur.execute(f"EXPLAIN ({options}) {sql}", params)
            return "\n".join(row[0] for row in cur.fetchall())

    explain("ANALYZE")  # once to warm the caches, then the one shown
    plan = explain("ANALYZE, BUFFERS")
    used = [n for n in on_number if re.search(rf"Index (Only )?Scan using {n} ", plan)]
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    planning = re.search(r"Planning Time: ([\d.]+) ms", plan)
    return {
        "plan": plan,
        "unique": unique,
        "uses_unique": unique in used,
        "used": used,
        "seq_scan": "Seq Scan on deputies_deputyphone" in plan,
        "execution_ms": float(match.group(1)) if match else None,
        "planning_ms": float(planning.group(1)) if planning else None,
    }


def statements_per_ring(token: str, caller: str) -> list[str]:
    """The SQL one ``ring`` runs through the webhook view (in process), shortened. (The token's
    ``last_used_at`` is rewritten at most once a minute: an UPDATE the first time only.)"""
    from django.db import connection
    from django.test import Client

    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        verb = "RELEASE SAVEPOINT" if sql.startswith("RELEASE") else sql.split()[0]
        if verb == "EXECUTE":  # a prepared statement: its name says what it is
            verb = "EXECUTE " + sql.split()[1].split("(")[0]
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?([a-z]+_[a-z_]+)"?', sql)
        lock = " … FOR UPDATE" if "FOR UPDATE" in sql else ""
        seen.append(f"{verb} {table.group(1)}{lock}" if table and "SAVEPOINT" not in verb else verb)
        return execute(sql, params, many, context)

    body = json.dumps({"event": "ring", "call_id": f"sql-{time.time_ns()}", "from": caller})
    with connection.execute_wrapper(spy):
        response = Client().post(
            "/api/cti/events",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_HOST=HOST,
        )
    return seen if response.status_code == 200 else []


def connect_cost(samples: int = 30) -> dict:
    """What a fresh database connection costs this process (Django's connect + its setup)."""
    from django.db import connection

    times = []
    for _ in range(samples):
        connection.close()
        t0 = time.perf_counter()
        connection.ensure_connection()
        times.append((time.perf_counter() - t0) * 1000)
    return percentiles(times)


def pg_sessions(db: str) -> int | None:
    from bench.db import sql_scalar

    try:
        return sql_scalar("SELECT sessions FROM pg_stat_database WHERE datname = %s", [db])
    except Exception:  # PostgreSQL < 14 has no session counter
        return None


# -- figure 3: the browser -------------------------------------------------------------------------


def banner_rings(rng: random.Random, numbers: list[str], expected: set[str], count: int):
    """``count`` + 3 warm-up rings (call_id, raw caller, banner), each banner unlike the last."""
    from minyi.calls.lookup import deputy_for_caller

    tag = datetime.now().strftime("%H%M%S")
    pool = [n for n in numbers if n in expected and n.startswith("+861")]
    rng.shuffle(pool)
    rings, last = [], None
    for e164 in pool:
        raw = rng.choice(raw_forms(e164))
        card = deputy_for_caller(raw)
        if card is None or card.banner == last:
            continue
        rings.append((f"ui{tag}-{len(rings)}", raw, card.banner))
        last = card.banner
        if len(rings) == count + 3:
            break
    return rings


# -- report ----------------------------------------------------------------------------------------


def machine() -> dict:
    import django

    from bench.db import sql_scalar

    mem, cpu = "", ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 1
    import uvicorn

    return {
        "nproc": nproc,
        "cpu": cpu,
        "memory": mem,
        "postgresql": sql_scalar("SHOW server_version").split()[0],
        "shared_buffers": sql_scalar("SHOW shared_buffers"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "uvicorn": uvicorn.__version__,
        "date": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def print_table(rows) -> None:
    head = ("figure", "value", "target", "result")
    width = [max(len(str(r[k])) for r in [*rows, head]) for k in range(4)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, width, strict=True)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, width, strict=True)))


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 deputies, fewer samples")
    parser.add_argument("--reload", action="store_true", help="load the registry again")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--deputies", type=int, default=None, help="deputies (200,000)")
    parser.add_argument("--rings", type=int, default=None, help="webhook rings (5,000)")
    parser.add_argument("--lookups", type=int, default=None, help="in-process lookups (20,000)")
    parser.add_argument("--banners", type=int, default=None, help="browser rings (30)")
    parser.add_argument("--database-url", default=None, help="minyi_bench_callers on 127.0.0.1")
    args = parser.parse_args(argv)
    quick = args.quick
    deputies = args.deputies or (20_000 if quick else 200_000)
    numbers = 2 * deputies
    n_rings = args.rings or (1_000 if quick else 5_000)
    n_lookups = args.lookups or (5_000 if quick else 20_000)
    n_banners = args.banners or (10 if quick else 30)
    url = args.database_url or (QUICK_URL if quick else DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the caller bench needs PostgreSQL, not {url!r}")

    began = time.perf_counter()
    load_before = loadavg()
    from bench.report import Stamp

    stamp = Stamp()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["MINYI_VAR_DIR"] = str(VAR_DIR)
    os.environ["ALLOWED_HOSTS"] = HOST
    os.environ["DEBUG"] = "0"
    os.environ["SECURE_COOKIES"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    # Playwright's sync API keeps an event loop in this thread; the ORM work here is sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    from bench.db import ensure_database, setup_django

    db = ensure_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    from bench.callers_load import load
    from minyi.accounts.models import Role, User
    from minyi.calls.models import CtiToken
    from minyi.calls.services import cti_token_create

    rows: list[tuple[str, str, str, str]] = []
    notes: list[str] = []
    print(f"database {db}; {deputies:,} deputies, {numbers:,} numbers")

    # 1. the registry
    print("[1] registry", flush=True)
    info = load(deputies, numbers, reload=args.reload)
    if info["loaded"]:
        print(
            f"  {info['deputies']:,} deputies, {info['numbers']:,} numbers "
            f"({info['landlines']:,} landlines), {info['mandates']:,} mandates "
            f"({info['ended']:,} ended) in {info['congresses']:,} congresses: generated in "
            f"{info['generate_s']:.1f} s, COPY {info['copy_s']:.1f} s, "
            f"VACUUM ANALYZE {info['vacuum_s']:.1f} s"
        )
        rows.append(
            (
                "1. load registry (COPY)",
                f"{info['generate_s'] + info['copy_s']:.1f} s + VACUUM ANALYZE "
                f"{info['vacuum_s']:.1f} s",
                "—",
                "info",
            )
        )
    else:
        print(f"  already loaded ({info['mandates']:,} mandates); --reload to load again")
        rows.append(("1. load registry", "already loaded (skipped)", "—", "info"))

    CtiToken.objects.filter(name="bench-callers").delete()
    _, token = cti_token_create(name="bench-callers")
    user, _ = User.objects.update_or_create(
        username=OPERATOR[0], defaults={"role": Role.OPERATOR, "is_active": True}
    )
    user.set_password(OPERATOR[1])
    user.save()
    call_command("collectstatic", interactive=False, verbosity=0)

    with connection.cursor() as cur:
        cur.execute("SELECT number FROM deputies_deputyphone ORDER BY id")
        all_numbers = [r[0] for r in cur.fetchall()]
    registered = set(all_numbers)
    rng = random.Random(20261122)
    ring_callers = caller_mix(rng, all_numbers, registered, n_rings + WARMUP_RINGS)
    lookup_callers = caller_mix(rng, all_numbers, registered, n_lookups + WARMUP_LOOKUPS)
    expected = identifying(sorted({e for _, e in ring_callers + lookup_callers if e}))
    browser_pool = rng.sample(all_numbers, min(len(all_numbers), 2_000))
    banners = banner_rings(rng, browser_pool, identifying(browser_pool), n_banners)

    # 2. lookups: EXPLAIN, in process, through the webhook
    print("[2] caller lookup", flush=True)
    sample_number = next(e for _, e in ring_callers if e in expected)
    explain = explain_lookup(sample_number)
    print("  EXPLAIN ANALYZE of the lookup query:")
    print("    " + explain["plan"].replace("\n", "\n    "))
    print(
        f"  used the number's unique index {explain['unique']}: "
        f"{'yes' if explain['uses_unique'] else 'no'}; index scans on number: "
        f"{', '.join(explain['used']) or 'none'}"
    )
    inproc = lookups_in_process(lookup_callers, expected, warmup=WARMUP_LOOKUPS)
    print(
        f"  deputy_for_caller in process, {inproc['count']:,} callers: {fmt_ms(inproc['lookup'])}"
    )
    connect = connect_cost()
    statements_per_ring(token, raw_forms(sample_number)[0])  # the first touches the token
    statements = statements_per_ring(token, raw_forms(sample_number)[0])
    print(f"  SQL per ring (+ BEGIN, COMMIT): {', '.join(statements)}")
    print(f"  a new database connection (Django connect + setup): {fmt_ms(connect)}")

    def browser(server: Server) -> None:
        nonlocal ui
        print(f"[3] webhook → banner in Chromium ({len(banners) - 3} rings)", flush=True)
        try:
            from bench.callers_browser import banner_times

            ui = banner_times(server.base, token, *OPERATOR, banners)
        except Exception as error:  # report it in the table rather than lose the other figures
            print(f"  browser figure failed: {type(error).__name__}: {error}")
            notes.append(f"The browser figure failed: `{type(error).__name__}: {error}`.")

    ui = None
    hook = webhook_figure(server_env(), db, token, ring_callers, expected, "a", then=browser)

    rows += figure_rows(explain, hook, inproc, ui)
    total = time.perf_counter() - began
    print_table(rows)
    print(f"\nwhole caller bench: {total:.0f} s")

    if not args.no_results and not quick:
        mach = machine()
        facts = {
            "info": info,
            "explain": explain,
            "hook": hook,
            "inproc": inproc,
            "connect": connect,
            "statements": statements,
            "ui": ui,
            "notes": notes,
            "total": total,
            "db": db,
            "load": (load_before, loadavg()),
            "stamp": stamp,
        }
        from bench.report import RESULTS, write_section

        write_section(MARK, render(rows, mach, facts))
        print(f"figures written to {RESULTS.relative_to(ROOT)} ({MARK})")
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


def _cpu(hook: dict) -> str:
    cpu = f"{hook['cpu_ms']:.2f} ms" if hook["cpu_ms"] is not None else "?"
    load = f"{hook['loadavg']:.1f}" if hook["loadavg"] is not None else "?"
    return f"{cpu} CPU ({hook['rate']:.0f} req/s); 1-min load {load} after"


def figure_rows(explain, hook, inproc, ui) -> list[tuple[str, str, str, str]]:
    target = f"p99 < {TARGET_LOOKUP_P99_MS:g} ms"
    wrong = hook["wrong"] + inproc["wrong"]
    checked = hook["checked"] + inproc["checked"]
    errors = hook["errors"]
    rows = [
        (
            f"2. webhook ring, client round trip ({hook['count']:,} req), p50/p95/p99/max",
            fmt_ms(hook["rtt"]),
            target,
            verdict(hook["rtt"]["p99"] < TARGET_LOOKUP_P99_MS and not hook["errors"]),
        ),
        (
            "2. … of which server-side, in the app (Server-Timing)",
            fmt_ms(hook["app"]),
            target,
            verdict(hook["app"]["p99"] < TARGET_LOOKUP_P99_MS and not hook["errors"]),
        ),
        ("2. … server process CPU per request; load average", _cpu(hook), "—", "info"),
        (
            "2. floor: GET of a missing page (404, no DB) on the same server",
            fmt_ms(hook["floor"])
            + (f"; {hook['floor']['cpu_ms']:.2f} ms CPU" if hook["floor"]["cpu_ms"] else ""),
            "—",
            "info",
        ),
    ]
    used = ", ".join(f"`{n}`" for n in explain["used"]) or "none (sequential scan)"
    rows += [
        (
            f"2. deputy_for_caller in process ({inproc['count']:,}), p50/p95/p99/max",
            fmt_ms(inproc["lookup"]),
            target,
            verdict(inproc["lookup"]["p99"] < TARGET_LOOKUP_P99_MS),
        ),
        (
            "2. lookup query: index on DeputyPhone.number (EXPLAIN ANALYZE)",
            f"unique index `{explain['unique']}`: {'yes' if explain['uses_unique'] else 'no'}; "
            f"scanned {used}; execution {explain['execution_ms']} ms",
            "an index scan on number",
            verdict(bool(explain["used"]) and not explain["seq_scan"]),
        ),
        (
            "2. callers identified as expected",
            f"{checked - wrong:,} of {checked:,}",
            "all",
            verdict(wrong == 0 and errors == 0),
        ),
    ]
    if ui is None:
        rows.append(("3. webhook → banner in the page", "failed", "< 300 ms", "FAIL"))
        return rows
    measured = ui["measured"]
    ok = [m for m in measured if m["banner_ms"] is not None and m["status"] == 200]
    ui["missed"] = len(measured) - len(ok)
    ui["shown"] = percentiles([m["banner_ms"] for m in ok])
    ui["painted"] = percentiles([m["painted_ms"] for m in ok])
    ui["fetched"] = percentiles([m["fetch_ms"] for m in ok])
    keys = ("p50", "p95", "max")
    print(
        f"  banner shown {fmt_ms(ui['shown'], keys)}; painted {fmt_ms(ui['painted'], keys)}; "
        f"webhook response {fmt_ms(ui['fetched'], keys)}; not shown within 5 s: {ui['missed']}"
    )
    rows += [
        (
            f"3. webhook → banner in the page ({len(measured)} rings), p50/p95/max",
            fmt_ms(ui["shown"], keys),
            f"every one < {TARGET_BANNER_MS:g} ms",
            verdict(not ui["missed"] and ui["shown"]["max"] < TARGET_BANNER_MS),
        ),
        ("3. … to the next painted frame", fmt_ms(ui["painted"], keys), "—", "info"),
        ("3. … the page's webhook POST (fetch) alone", fmt_ms(ui["fetched"], keys), "—", "info"),
    ]
    return rows


def render(rows, mach, f: dict) -> str:
    info, explain, hook, inproc = f["info"], f["explain"], f["hook"], f["inproc"]
    lines = [
        f"<!-- {MARK} -->",
        f"## Caller identification (issue 3): {info['deputies']:,} deputies, "
        f"{info['numbers']:,} numbers",
        "",
        f["stamp"].header(),
        "",
        f"By `bench/callers.py`: uvicorn {mach['uvicorn']} (one process, DEBUG off), all on the "
        f"loopback; database `{f['db']}`; the whole run took {f['total']:.0f} s.",
        "",
        "| figure | value | target | result |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "Notes:", ""]
    before, after = f["load"]
    if before is not None and after is not None:
        busy = before > 0.5 * mach["nproc"]  # half the CPUs already taken by others
        lines.append(
            f"- 1-minute load average {before:.1f} when the run started"
            + (" (the machine was not idle: other processes were running)" if busy else "")
            + f" and {after:.1f} at its end; the bench's client, the server and PostgreSQL "
            f"share the same {mach['nproc']} CPUs."
        )
    if info["loaded"]:
        lines.append(
            f"- Registry: {info['deputies']:,} deputies, {info['numbers']:,} numbers "
            f"({info['landlines']:,} landlines), {info['mandates']:,} mandates "
            f"({info['ended']:,} ended) in {info['congresses']:,} congresses of five levels, "
            f"generated and loaded by COPY in {info['generate_s'] + info['copy_s']:.0f} s."
        )
    else:
        lines.append(
            f"- Registry: {info['deputies']:,} deputies, {info['numbers']:,} numbers, "
            f"{info['mandates']:,} mandates (already loaded; `--reload` measures the load)."
        )
    lines.append(f"- Callers: {MIX}.")
    lines.append(
        f"- Webhook: {hook['count']:,} `ring` events (after {WARMUP_RINGS} unmeasured), each "
        "with a new call_id, POSTed one after another on one keep-alive `http.client` "
        "connection; each request authenticates the token, creates the call log (`INSERT … ON "
        "CONFLICT DO NOTHING`, an existing call is locked and updated instead), looks the "
        "caller up, writes the call's event, and publishes the ring to the console (SSE). *In the app* is measured inside the server process, from the request "
        "reaching the ASGI app to the response starting (`bench/callers_asgi.py`)."
        + (
            f" One ring runs {len(f['statements'])} SQL statements, plus BEGIN and COMMIT: "
            + ", ".join(f"`{st}`" for st in f["statements"])
            + "."
            if f.get("statements")
            else ""
        )
    )
    lines.append(
        "- *Floor*: 1,000 `GET`s of a missing page on the same server and connection (uvicorn, "
        "the ASGI handler of `minyi/core/asgi.py` with its reused per-request thread, the "
        "middleware, the 404 page; no view, no database): what any request costs here before "
        "the webhook does its own work."
    )
    if hook.get("sessions") is not None:
        lines.append(
            f"- The server opened {hook['sessions']:,} PostgreSQL sessions for the "
            f"{hook['checked']:,} webhook requests; a new connection costs this machine "
            f"{f['connect']['p50']:.1f} ms (p50; p95 {f['connect']['p95']:.1f} ms). The "
            "sessions come from Django's psycopg pool (the app's PostgreSQL default); each "
            "request takes one for its duration. On a pooled session the lookup is a prepared "
            "statement (`minyi/calls/lookup.py`), so PostgreSQL plans its four-table join "
            f"once per session, not per ring (planning takes {explain['planning_ms']} ms "
            "below)."
        )
    lines.append(
        f"- In process: `minyi.calls.lookup.deputy_for_caller` for {inproc['count']:,} callers "
        f"(after {WARMUP_LOOKUPS} unmeasured); normalising the caller ID alone (`caller_e164`, "
        f"libphonenumber) takes p50 {inproc['normalise']['p50']:.3f} ms, "
        f"p99 {inproc['normalise']['p99']:.3f} ms."
    )
    others = [n for n in explain["used"] if n != explain["unique"]]
    lines.append(
        f"- The lookup is one query. `EXPLAIN (ANALYZE, BUFFERS)` below: execution "
        f"{explain['execution_ms']} ms"
        + (
            f"; the planner reached the number through `{others[0]}`, the `varchar_pattern_ops` "
            f"twin Django creates beside the unique index `{explain['unique']}` for LIKE "
            "queries: the same column, the same cost estimate, and for `=` the same work."
            if others and not explain["uses_unique"]
            else "."
        )
    )
    lines += ["", "  ```", *("  " + line for line in explain["plan"].splitlines()), "  ```", ""]
    ui = f["ui"]
    if ui is not None:
        lines.append(
            "- Browser: headless Debian Chromium (Playwright), an operator signed in on "
            "`/console/` with the event stream open; each ring is POSTed by the page itself "
            "(`fetch` with the Bearer token) and timed with `performance.now()` until a "
            "MutationObserver sees `#banner-text` equal to the expected banner; *painted* adds "
            f"the next animation frame. 3 warm-up rings not counted; not shown within 5 s: "
            f"{ui['missed']}."
        )
    lines += [f"- {note}" for note in f["notes"]]
    lines += [f"<!-- /{MARK} -->", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    from bench.child import guarded

    sys.exit(guarded(main))
