#!/usr/bin/env python
"""The ledger bench (issue 11): the monthly ledger page, the dashboard, ``stats`` and the
streaming exports at 1,000,000 orders on PostgreSQL.

Its own database (``minyi_bench_ledger``; ``minyi_bench_ledger_quick`` with ``--quick``) holds a
year of orders in every state (``bench/ledger_data.py``): 13 months before the bench moment,
15 % 代表来电, 5 % 码上找代表, the rest citizens' calls and web messages; most archived, some
open, rejected, merged or on tracking; a few thousand deputies with their mandates, categories,
regions, departments, lead and assisting parts, the event log, and the ledger row of each order
folded from its events by ``minyi.ledger.facts.event_changes``. Written by COPY in chunks of
50,000 committed one by one by ``--workers`` processes (each started fresh, "spawn", with its
own connection); resumed where it stopped and skipped when loaded.

Figures (through Django's test client, in this process, logged in as a liaison officer, DEBUG
off; each page warmed once, then timed):

1. the monthly ledger page ``/work/ledger/?month=YYYY-MM`` (the last full month) and filtered
   (``department=``, ``figure=overdue``, page 2): p50 / p95;
2. the dashboard ``/work/stats/?month=YYYY-MM`` and ``/work/stats/``: p50 / p95;
3. ``manage.py stats --month YYYY-MM`` and ``--channel all`` (``call_command`` in-process);
4. ``manage.py ledger --from … --to … --channel all --format xlsx|pdf --output FILE`` over
   100,000 rows, in a subprocess: rows/s and the subprocess's peak RSS (``wait4``).

A figure whose page or command is missing prints "not available" (never a made-up value).
``python bench/ledger.py [--quick] [--orders N] [--reload] [--no-results] [--load-only]``;
``bench/run.py`` runs it in its own process. Writes the section ``<!-- bench:ledger:N -->`` of
bench/RESULTS.md. Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import multiprocessing
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_ledger"
QUICK_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_ledger_quick"
MARK = "bench:ledger:{n}"  # one section per order count: --quick does not replace the 1M one
TARGET_P95_MS = 1000.0  # issue 11: the ledger page and the dashboard, p95 under 1 s
TARGET_XLSX_MB = 200.0  # issue 11: the xlsx export of 100,000 rows under 200 MB
CHUNK_TIMEOUT = 900  # seconds one chunk may take before the load fails loudly
EXPORT_TIMEOUT = 1800  # seconds one export may take


# -- pure helpers (tests/bench/test_ledger_bench.py) -----------------------------------------------


def summary(samples_ms: list[float]) -> dict:
    """Nearest-rank p50 / p95 and the max of some timings (ms)."""
    s = sorted(samples_ms)
    if not s:
        return {"n": 0, "p50": math.nan, "p95": math.nan, "max": math.nan}

    def rank(p: float) -> float:
        return s[max(0, min(len(s) - 1, math.ceil(len(s) * p / 100) - 1))]

    return {"n": len(s), "p50": rank(50), "p95": rank(95), "max": s[-1]}


def chunk_sizes(n: int, chunk: int) -> dict[int, int]:
    return {k: min(chunk, n - k * chunk) for k in range(math.ceil(n / chunk))}


def export_range(day_counts: dict[date, int], last: date, target: int) -> tuple[date, date, int]:
    """Whole days ending on ``last``, going back until they hold at least ``target`` rows (or
    every day there is): ``(from, to, rows)``."""
    rows, day = 0, last
    first = min(day_counts, default=last)
    start = last
    while day >= first:
        rows += day_counts.get(day, 0)
        start = day
        if rows >= target:
            break
        day -= timedelta(days=1)
    return start, last, rows


def last_full_month(moment: date) -> str:
    """``YYYY-MM`` of the month before ``moment``'s."""
    previous = moment.replace(day=1) - timedelta(days=1)
    return f"{previous:%Y-%m}"


def fmt_ms(st: dict) -> str:
    if not st.get("n"):
        return "not available"
    return f"p50 {st['p50']:.0f} ms, p95 {st['p95']:.0f} ms (max {st['max']:.0f}, n={st['n']})"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "pass" if ok else "FAIL"


# -- the load --------------------------------------------------------------------------------------


_GEN = None  # the loader process's generator (built in its initializer)


def _loader_init(url: str, with_events: bool) -> None:
    global _GEN
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    import django

    django.setup()
    from bench.ledger_data import LedgerGenerator, reference_read

    _GEN = (LedgerGenerator(reference_read()), with_events)


def _load_chunk(task: tuple[int, int, int]) -> tuple[int, dict]:
    from django.db import connection, transaction

    k, start, count = task
    gen, with_events = _GEN
    t0 = time.perf_counter()
    orders, parts, events, ledger = gen.chunk(start, count, with_events=with_events)
    t1 = time.perf_counter()
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        for table, rows in (
            (gen.orders, orders),
            (gen.assignments, parts),
            (gen.events, events),
            (gen.ledger, ledger),
        ):
            if not rows:
                continue
            with cur.copy(table.copy_sql()) as copy:
                for row in rows:
                    copy.write_row(row)
    return k, {
        "orders": len(orders),
        "assignments": len(parts),
        "events": len(events),
        "ledger": len(ledger),
        "generate": t1 - t0,
        "copy": time.perf_counter() - t1,
    }


def _present(n: int) -> dict[int, int] | None:
    from django.db import connection

    from bench.ledger_data import CHUNK, NUMBER_PREFIX

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (id - 1) / %s, count(*) FROM orders_workorder WHERE number LIKE %s GROUP BY 1",
            [CHUNK, NUMBER_PREFIX + "%"],
        )
        present = dict(cur.fetchall())
        cur.execute(
            "SELECT count(*) FROM orders_workorder WHERE number NOT LIKE %s", [NUMBER_PREFIX + "%"]
        )
        others = cur.fetchone()[0]
    sizes = chunk_sizes(n, CHUNK)
    if others or any(sizes.get(k) != c for k, c in present.items()):
        return None
    return present


def load(n: int, url: str, *, reload: bool, workers: int, with_events: bool) -> dict:
    from bench.data import connections_close_for_fork
    from bench.db import sql_exec, sql_scalar, vacuum_analyze
    from bench.ledger_data import CHUNK

    present = None if reload else _present(n)
    info: dict = {"loaded": 0}
    if present is None:
        print("  emptying the orders (--reload, another size, or orders not from this bench)")
        sql_exec(
            "TRUNCATE orders_workorder, ledger_ledgerrow, bench_ledger_load RESTART IDENTITY CASCADE"
            if sql_scalar("SELECT to_regclass('bench_ledger_load') IS NOT NULL")
            else "TRUNCATE orders_workorder, ledger_ledgerrow RESTART IDENTITY CASCADE"
        )
        present = {}
    sizes = chunk_sizes(n, CHUNK)
    todo = [(k, k * CHUNK, size) for k, size in sizes.items() if k not in present]
    if not todo:
        print(f"  {n:,} orders already loaded; skipping the load (--reload to redo)")
        raw = None
        if sql_scalar("SELECT to_regclass('bench_ledger_load') IS NOT NULL"):
            raw = sql_scalar("SELECT info::text FROM bench_ledger_load WHERE orders = %s", [n])
        info["previous"] = json.loads(raw) if raw else None
        return info
    if present:
        print(f"  resuming: {len(present)} of {len(sizes)} chunks already loaded")
    totals = {"orders": 0, "assignments": 0, "events": 0, "ledger": 0}
    started = time.perf_counter()
    connections_close_for_fork()
    ctx = multiprocessing.get_context("spawn")  # fresh processes: no inherited socket or pool
    with ctx.Pool(max(1, workers), initializer=_loader_init, initargs=(url, with_events)) as pool:
        results = pool.imap_unordered(_load_chunk, todo)
        for done in range(1, len(todo) + 1):
            try:
                k, stats = results.next(timeout=CHUNK_TIMEOUT)
            except multiprocessing.TimeoutError:
                pool.terminate()
                raise SystemExit(
                    f"a ledger load chunk took over {CHUNK_TIMEOUT} s; stopped"
                ) from None
            for key in totals:
                totals[key] += stats[key]
            print(
                f"  chunk {k:>3} done ({done}/{len(todo)}): {stats['orders']:,} orders, "
                f"{stats['events']:,} events, generate {stats['generate']:4.1f} s, "
                f"COPY {stats['copy']:4.1f} s, elapsed {time.perf_counter() - started:6.1f} s",
                flush=True,
            )
    seconds = time.perf_counter() - started
    for table in ("orders_workorder", "orders_assignment", "orders_orderevent"):
        sql_exec(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    print("  VACUUM ANALYZE …", flush=True)
    vacuum = vacuum_analyze(
        "orders_workorder", "orders_assignment", "orders_orderevent", "ledger_ledgerrow"
    )
    info = {
        "loaded": totals["orders"],
        **{k: v for k, v in totals.items() if k != "orders"},
        "seconds": seconds,
        "vacuum": vacuum,
        "workers": workers,
        "resumed": bool(present),
        "with_events": with_events,
    }
    sql_exec(
        "CREATE TABLE IF NOT EXISTS bench_ledger_load (orders integer PRIMARY KEY, info jsonb)"
    )
    sql_exec(
        "INSERT INTO bench_ledger_load VALUES (%s, %s::jsonb) "
        "ON CONFLICT (orders) DO UPDATE SET info = EXCLUDED.info",
        [n, json.dumps(info)],
    )
    return info


def dataset_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT channel, count(*) FROM ledger_ledgerrow GROUP BY 1 ORDER BY 2 DESC")
        channels = dict(cur.fetchall())
        cur.execute("SELECT status, count(*) FROM ledger_ledgerrow GROUP BY 1 ORDER BY 2 DESC")
        statuses = dict(cur.fetchall())
        cur.execute("SELECT count(*) FROM deputies_deputy")
        deputies = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM orders_orderevent")
        events = cur.fetchone()[0]
    return {"channels": channels, "statuses": statuses, "deputies": deputies, "events": events}


# -- the figures -----------------------------------------------------------------------------------


def _liaison():
    from minyi.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench-liaison", defaults={"role": Role.LIAISON, "last_name": "基准联工委"}
    )
    return user


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _next_link(html: str) -> str | None:
    import re

    found = re.search(r'rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def load_fragments(html: str) -> list[str]:
    """The URLs a page fetches as soon as it is shown (htmx ``hx-trigger="load"``): part of
    what a person waits for."""
    import re

    found = re.findall(r'hx-get="([^"]+)"[^>]*?hx-trigger="load', html)
    return [url.replace("&amp;", "&") for url in found]


def _view(client, url: str) -> tuple[float, float, int]:
    """One page view: (page ms, page + its load fragments ms, worst status)."""
    started = time.perf_counter()
    response = client.get(url)
    page_ms = (time.perf_counter() - started) * 1000
    status = response.status_code
    for fragment in load_fragments(response.content.decode(errors="replace")):
        answer = client.get(fragment)
        status = max(status, answer.status_code)
    return page_ms, (time.perf_counter() - started) * 1000, status


def time_pages(client, urls: list[str], repeat: int) -> tuple[dict, dict, list[str]]:
    """Each URL warmed once (one that does not answer 200 is left out, and said so), then
    ``repeat`` rounds over the rest. A view is the page and the fragments it loads at once
    (htmx ``hx-trigger="load"``, e.g. the ledger's counts). Returns the summary of all the
    views, per-URL summaries (``view`` and ``page`` alone) and the errors. Nothing is timed when
    the first URL (the unfiltered page) fails."""
    errors = []
    good = []
    for url in urls:
        _page, _view_ms, status = _view(client, url)
        if status == 200:
            good.append(url)
        else:
            errors.append(f"{url}: {status} (left out)")
    if not good or good[0] != urls[0]:
        return summary([]), {}, errors
    views: dict[str, list[float]] = {url: [] for url in good}
    pages: dict[str, list[float]] = {url: [] for url in good}
    for _ in range(repeat):
        for url in good:
            page_ms, view_ms, status = _view(client, url)
            pages[url].append(page_ms)
            views[url].append(view_ms)
            if status != 200:
                errors.append(f"{url}: {status}")
    everything = [ms for samples in views.values() for ms in samples]
    per = {url: {"view": summary(views[url]), "page": summary(pages[url])} for url in good}
    return summary(everything), per, errors


def page_figures(month: str, repeat_ledger: int, repeat_stats: int) -> dict:
    from django.test import Client

    from minyi.reference.models import Department

    out: dict = {}
    client = Client(HTTP_HOST="localhost")
    client.force_login(_liaison())
    if _resolves("/work/ledger/"):
        base = f"/work/ledger/?month={month}"
        first = client.get(base)
        department = (
            Department.objects.filter(name="基准市城市管理局").values_list("pk", flat=True).first()
        )
        urls = [
            base,
            f"{base}&channel=all",
            f"{base}&department={department}",
            f"{base}&figure=overdue",
        ]
        link = (
            _next_link(first.content.decode(errors="replace")) if first.status_code == 200 else None
        )
        if link:
            urls.append(link if link.startswith("/") else "/work/ledger/" + link)
        else:
            urls.append(f"{base}&page=2")
        rounds = max(1, math.ceil(repeat_ledger / len(urls)))
        st, per, errors = time_pages(client, urls, rounds)
        out["ledger"] = {"all": st, "per": per, "errors": errors, "urls": urls}
    else:
        out["ledger"] = None
    if _resolves("/work/stats/"):
        urls = [f"/work/stats/?month={month}", "/work/stats/"]
        rounds = max(1, math.ceil(repeat_stats / len(urls)))
        st, per, errors = time_pages(client, urls, rounds)
        out["stats"] = {"all": st, "per": per, "errors": errors, "urls": urls}
    else:
        out["stats"] = None
    return out


def command_figures(month: str) -> dict:
    from django.core.management import call_command, get_commands

    if "stats" not in get_commands():
        return {"stats": None}
    out = {}
    for label, extra in (("deputy channels", []), ("all channels", ["--channel", "all"])):
        buffer = io.StringIO()
        started = time.perf_counter()
        try:
            call_command("stats", "--month", month, *extra, stdout=buffer)
        except Exception as exc:  # noqa: BLE001 - a figure that fails says so, the run goes on
            out[label] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        seconds = time.perf_counter() - started
        try:
            data = json.loads(buffer.getvalue())
        except ValueError:
            out[label] = {"seconds": seconds, "error": "output is not one JSON object"}
            continue
        out[label] = {"seconds": seconds, "orders": data.get("orders"), "data": data}
    return {"stats": out}


def export_days(target: int, last: date) -> tuple[date, date, int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (created_at AT TIME ZONE 'Asia/Shanghai')::date, count(*) "
            "FROM ledger_ledgerrow WHERE created_at < %s GROUP BY 1",
            [last + timedelta(days=1)],
        )
        counts = dict(cur.fetchall())
    return export_range(counts, last, target)


def run_export(fmt: str, first: date, last: date, output: Path) -> dict:
    """``manage.py ledger`` in a subprocess: wall time and its peak RSS (``wait4``)."""
    args = [
        sys.executable,
        str(ROOT / "manage.py"),
        "ledger",
        "--from",
        first.isoformat(),
        "--to",
        last.isoformat(),
        "--channel",
        "all",
        "--format",
        fmt,
        "--output",
        str(output),
    ]
    if output.exists():
        output.unlink()
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=os.environ)
    deadline = started + EXPORT_TIMEOUT
    status = usage = None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            log.seek(0)
            return {"error": f"timed out after {EXPORT_TIMEOUT} s", "output": log.read()[-500:]}
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.seek(0)
    text = log.read().decode(errors="replace")
    if proc.returncode != 0 or not output.exists():
        return {"error": f"exit {proc.returncode}", "output": text[-800:]}
    import re

    said = re.search(r"(\d[\d,]*)\s*行", text)  # the command's own count, when it says one
    return {
        "seconds": seconds,
        "peak_mb": usage.ru_maxrss / 1024,  # Linux: kilobytes
        "bytes": output.stat().st_size,
        "exported": int(said.group(1).replace(",", "")) if said else None,
        "said": text.strip()[-300:],
    }


def export_figures(target: int, last: date, formats=("xlsx", "pdf")) -> dict:
    from django.core.management import get_commands

    if "ledger" not in get_commands():
        return {"available": False}
    first, last, rows = export_days(target, last)
    out: dict = {"available": True, "from": first, "to": last, "rows": rows}
    folder = Path(tempfile.mkdtemp(prefix="minyi-bench-export-"))
    for fmt in formats:
        result = run_export(fmt, first, last, folder / f"ledger.{fmt}")
        if "seconds" in result:
            result["rate"] = rows / result["seconds"]
        out[fmt] = result
        (folder / f"ledger.{fmt}").unlink(missing_ok=True)
    folder.rmdir()
    return out


# -- the table -------------------------------------------------------------------------------------


def figure_rows(pages: dict, commands: dict, exports: dict, month: str, n: int) -> list[tuple]:
    rows = []

    def page_row(label: str, figure: dict | None, what: str):
        if figure is None:
            rows.append((label, f"not available ({what} is not in this build)", "p95 < 1 s", "n/a"))
            return
        st = figure["all"]
        if not st["n"]:
            rows.append((label, "error: " + "; ".join(figure["errors"][:2]), "p95 < 1 s", "FAIL"))
            return
        note = f"; {'; '.join(figure['errors'][:2])}" if figure["errors"] else ""
        rows.append((label, fmt_ms(st) + note, "p95 < 1 s", verdict(st["p95"] < TARGET_P95_MS)))

    page_row(
        f"ledger page ?month={month} (+ filters, page 2)", pages.get("ledger"), "/work/ledger/"
    )
    page_row(
        f"dashboard /work/stats/ (?month={month} and default)", pages.get("stats"), "/work/stats/"
    )
    stats = commands.get("stats")
    for label in ("deputy channels", "all channels"):
        name = f"manage.py stats --month {month}" + (" --channel all" if "all" in label else "")
        if stats is None:
            rows.append((name, "not available (no `stats` command in this build)", "—", "n/a"))
            continue
        fig = stats[label]
        if "error" in fig:
            rows.append((name, "error: " + fig["error"], "—", "FAIL"))
        else:
            rows.append((name, f"{fig['seconds']:.2f} s ({fig['orders']:,} orders)", "—", "info"))
    if not exports.get("available"):
        for fmt in ("xlsx", "pdf"):
            rows.append(
                (
                    f"ledger export {fmt}",
                    "not available (no `ledger` command in this build)",
                    "—",
                    "n/a",
                )
            )
        return rows
    span = f"{exports['rows']:,} rows, {exports['from']}–{exports['to']}"
    for fmt in ("xlsx", "pdf"):
        fig = exports.get(fmt, {})
        target = f"peak < {TARGET_XLSX_MB:.0f} MB" if fmt == "xlsx" else "—"
        if "error" in fig:
            rows.append((f"ledger export {fmt} ({span})", "error: " + fig["error"], target, "FAIL"))
            continue
        ok = fig["peak_mb"] < TARGET_XLSX_MB if fmt == "xlsx" else None
        said = (
            f"; the command said {fig['exported']:,}"
            if fig.get("exported") not in (None, exports["rows"])
            else ""
        )
        rows.append(
            (
                f"ledger export {fmt} ({span}{said})",
                f"{fig['seconds']:.1f} s = {fig['rate']:,.0f} rows/s, peak RSS "
                f"{fig['peak_mb']:.0f} MB, file {fig['bytes'] / 1e6:.1f} MB",
                target,
                verdict(ok) if ok is not None else "info",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 orders, fewer requests")
    parser.add_argument("--orders", type=int, default=None, help="orders (1,000,000)")
    parser.add_argument("--deputies", type=int, default=None, help="deputies (3,000)")
    parser.add_argument("--workers", type=int, default=None, help="loader processes (CPUs)")
    parser.add_argument("--repeat", type=int, default=None, help="timed requests per page (30)")
    parser.add_argument(
        "--export-rows", type=int, default=None, help="rows to export (100,000; 5,000 quick)"
    )
    parser.add_argument(
        "--events", action="store_true", help="also load the event rows (slower load)"
    )
    parser.add_argument("--reload", action="store_true", help="empty and load again")
    parser.add_argument("--load-only", action="store_true", help="load and stop")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--database-url", default=None, help="minyi_bench_ledger on 127.0.0.1")
    args = parser.parse_args(argv)
    n = args.orders or (50_000 if args.quick else 1_000_000)
    deputies = args.deputies or (500 if args.quick else 3_000)
    repeat = args.repeat or (10 if args.quick else 30)
    export_rows = args.export_rows or (5_000 if args.quick else 100_000)
    url = args.database_url or (QUICK_URL if args.quick else DEFAULT_URL)
    try:
        workers = args.workers or len(os.sched_getaffinity(0))
    except AttributeError:
        workers = args.workers or os.cpu_count() or 1
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the ledger bench needs PostgreSQL, not {url!r}")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))

    from bench import report
    from bench.db import ensure_database, setup_django

    began = time.perf_counter()
    load_before = report.loadavg()
    stamp = report.Stamp()
    db = ensure_database(url)
    setup_django(url)
    from bench.ledger_data import NOW, reference_make

    print(f"database {db}; {n:,} orders over the 13 months before {NOW:%Y-%m-%d}", flush=True)
    print("[L1] the city: regions, departments, categories, deputies", flush=True)
    reference_make(deputies)
    print(f"[L2] loading {n:,} orders with their ledger rows by COPY", flush=True)
    info = load(n, url, reload=args.reload, workers=workers, with_events=args.events)
    if info["loaded"]:
        print(
            f"  {info['loaded']:,} orders + {info['assignments']:,} parts + {info['events']:,} "
            f"events + {info['ledger']:,} ledger rows in {info['seconds']:.1f} s; "
            f"VACUUM ANALYZE {info['vacuum']:.1f} s",
            flush=True,
        )
    if args.load_only:
        return 0
    facts = dataset_facts()
    month = last_full_month(NOW.date())
    load_figures = report.loadavg()
    print(
        f"[L3] the ledger page and the dashboard, {month} (load average {load_figures})", flush=True
    )
    # The pages and `stats` read "now" (what is overdue, the default month) from the services'
    # clock: frozen at the bench moment, so the data's newest orders are today's on any date.
    from minyi.core import clock

    with clock.frozen(NOW):
        pages = page_figures(month, repeat, max(10, repeat // 2))
    for key in ("ledger", "stats"):
        fig = pages.get(key)
        if fig is None:
            print(f"  {key}: not available")
            continue
        for u, st in fig["per"].items():
            print(
                f"  {u}: view {fmt_ms(st['view'])}; the page alone p95 {st['page']['p95']:.0f} ms"
            )
        for error in fig["errors"][:3]:
            print(f"  error: {error}")
    print(f"[L4] manage.py stats --month {month}", flush=True)
    with clock.frozen(NOW):
        commands = command_figures(month)
    print(
        f"  {json.dumps({k: {kk: vv for kk, vv in v.items() if kk != 'data'} for k, v in (commands.get('stats') or {}).items()}, ensure_ascii=False)}"
    )
    last_day = date.fromisoformat(month + "-01") + timedelta(days=40)
    last_day = last_day.replace(day=1) - timedelta(days=1)
    print(f"[L5] streaming export of {export_rows:,} rows (subprocess)", flush=True)
    exports = export_figures(export_rows, last_day)
    for fmt in ("xlsx", "pdf"):
        if fmt in exports:
            print(f"  {fmt}: {exports[fmt]}", flush=True)
    if exports.get("available"):
        print(f"  rows in the range: {exports['rows']:,} ({exports['from']} – {exports['to']})")
    rows = figure_rows(pages, commands, exports, month, n)
    total = time.perf_counter() - began
    report.print_table(rows)
    print(f"\nwhole ledger bench: {total:.0f} s")
    if not args.no_results:
        section = report.render_ledger(
            rows,
            stamp,
            {
                "n": n,
                "db": db,
                "info": info,
                "facts": facts,
                "month": month,
                "total": total,
                "load": (load_before, load_figures, report.loadavg()),
                "quick": args.quick,
                "pages": pages,
            },
        )
        mark = MARK.format(n=n)
        report.write_section(mark, section.replace("bench:ledger", mark))
        print(f"figures written to {report.RESULTS.relative_to(ROOT)} ({mark})")
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    from bench.child import guarded

    sys.exit(guarded(main))
