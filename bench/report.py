"""The figures as a table: printed, and written to bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.data import SCAN_NOW
from bench.db import sql_scalar

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
RESULTS_HEAD = (
    "# Benchmark results\n\n"
    "Written by `make bench` (`bench/run.py`), one section per part, each replaced when that part "
    "runs again and opening with the commit, the date, the load average and the machine it was "
    "measured on. See bench/README.md for what is measured and how.\n"
)

# Targets (see bench/README.md for where they come from).
# orders/s (issue 13): twice django-helpdesk's staff-form ticket create in one process (it does
# about 60-68 tickets/s here), and over 300/s with 2 processes; a large city's hotline peaks at
# well under 5 new orders/s, so these are about the cost of each order, not about capacity
TARGET_SERVICE_RATE = 120.0
TARGET_SERVICE_RATE_PROCESSES = 300.0
# sla_scan at 1,000,000 open orders (issue 13): the midnight peak under 2 s on a quiet machine and
# under 5 s with the machine busy (a 1-minute load average of 1.5 or more on it when the scan
# figure starts); the second run, which marks nothing, under 0.5 s
TARGET_SCAN_SECONDS = 2.0
TARGET_SCAN_SECONDS_BUSY = 5.0
BUSY_LOAD = 1.5
TARGET_RESCAN_SECONDS = 0.5
TARGET_DEADLINES = 50_000.0


SHANGHAI = ZoneInfo("Asia/Shanghai")


def machine(database: bool = True) -> dict:
    """The machine and the software; ``database=False`` for a section that uses none (then
    the PostgreSQL fields say so)."""
    import django

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": cpus,
        "cpu": cpu,
        "memory": mem,
        "postgresql": sql_scalar("SHOW server_version").split()[0] if database else "not used",
        "shared_buffers": sql_scalar("SHOW shared_buffers") if database else "-",
        "python": platform.python_version(),
        "django": django.get_version(),
        "date": datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M 北京时间"),
    }


def loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class Stamp:
    """Where a section's figures come from, started when the section starts: ``header()``, at
    its end, is the one line every section of RESULTS.md opens with (commit, date, load average
    before and after, machine), so that no figure is read without its conditions."""

    def __init__(self) -> None:
        self.load_before = loadavg()
        self.began = time.perf_counter()

    def header(self, *, database: bool = True, quick: bool | None = None) -> str:
        mach = machine(database)
        before, after = self.load_before, loadavg()

        def avg(x: float | None) -> str:
            return "?" if x is None else f"{x:.1f}"

        postgres = (
            f"PostgreSQL {mach['postgresql']} (shared_buffers {mach['shared_buffers']})"
            if database
            else "no database"
        )
        mode = "" if quick is None else (" (`--quick`)" if quick else " (full run)")
        return (
            f"Run {mach['date']} at commit {commit()}{mode}; 1-minute load average "
            f"{avg(before)} before, {avg(after)} after; {mach['nproc']} CPUs "
            f"({mach['cpu'] or 'unknown CPU'}), {mach['memory']} RAM, {postgres}, Python "
            f"{mach['python']}, Django {mach['django']}; took "
            f"{time.perf_counter() - self.began:.0f} s."
        )


def render(rows, stamp: Stamp, load_info, scan, n, sample, db) -> str:
    lines = [
        f"<!-- bench:{n} -->",
        f"## {n:,} open orders",
        "",
        stamp.header(),
        "",
        f"Database `{db}`.",
        "",
        "| figure | value | target | result |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "Notes:", ""]
    shown = load_info if load_info["loaded"] else load_info.get("previous")
    if shown:
        levels = shown["levels"]
        when = "" if shown is load_info else f" (at {shown['at']}, not in this run)"
        lines.append(
            f"- Loaded {shown['loaded']:,} orders, {shown['assignments']:,} assignments "
            f"and {shown['events']:,} ledger events by COPY with {shown['workers']} processes in "
            f"{shown['seconds']:.0f} s (+ VACUUM ANALYZE {shown['vacuum']:.0f} s){when}; "
            "every deadline computed by "
            "`get_calendar().due` / `subtract_working_hours` per order. Warnings as left by the "
            f"previous scan: none {levels.get('none', 0):,}, yellow {levels.get('yellow', 0):,}, "
            f"red {levels.get('red', 0):,}."
        )
    else:
        lines.append(
            f"- The {load_info['existing']:,} orders were already loaded (the load is skipped "
            "when the database holds them; `--reload` measures it again)."
        )
    if scan:
        exp_yellow, exp_red = scan["expected"]
        lines.append(
            f"- Scan at {SCAN_NOW.isoformat()}, a working day just after midnight, the previous "
            f"scan 10 minutes before: of {scan['open']:,} open orders, {exp_yellow:,} turn yellow "
            f"(due that day) and {exp_red:,} red (due the day before), "
            f"{(exp_yellow + exp_red) / max(scan['open'], 1):.1%}: working-day deadlines all end "
            "at 23:59:59, so this is the busiest scan of the day. The brief's case gives all but "
            f"{sum(scan['share_expected']):,} of them their new warning beforehand."
        )
    lines.append(
        f"- Services: {sample:,} orders, each `order_create(accept=True)` then `order_dispatch` "
        "(lead + one assisting department), on the loaded table; DEBUG off."
    )
    lines += [f"<!-- /bench:{n} -->", ""]
    return "\n".join(lines)


FAILED = "FAILED"  # the result of a figure that could not be measured (not a missed target)


def failed_row(label: str, why: str = "see the log above") -> tuple[str, str, str, str]:
    return (label, f"FAILED: {why}", "—", FAILED)


def outcome_of(name: str, rows):
    """How a table of figures ended (bench/child.py's codes): BROKE if a figure could not be
    measured, MISSED if one missed its target."""
    from bench.child import BROKE, MISSED, OK, Outcome

    failed = [r[0] for r in rows if r[3] == FAILED]
    if failed:
        return Outcome(name, BROKE, "no figure for " + "; ".join(failed))
    return Outcome(name, MISSED if any(r[3] == "FAIL" for r in rows) else OK)


def verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def build_rows(services, workers, load_info, n, scan, deadlines) -> list[tuple[str, str, str, str]]:
    rows = []
    if services is None:
        rows.append(failed_row("1. create+dispatch via services"))
        services = {}
    if 1 in services:
        rows.append(
            (
                "1. create+dispatch via services, 1 process",
                f"{services[1]:,.0f} orders/s",
                f"≥ {TARGET_SERVICE_RATE:.0f}/s",
                verdict(services[1] >= TARGET_SERVICE_RATE),
            )
        )
    if services.get("statements"):
        rows.append(
            (
                "1. statements per order (create+accept+dispatch)",
                f"{services['statements']}",
                "informational",
                "",
            )
        )
    if workers > 1 and workers in services:
        rate = services[workers]
        rows.append(
            (
                f"1. create+dispatch via services, {workers} processes",
                f"FAILED: {services.get('failed', '')}"
                if rate is None
                else f"{rate:,.0f} orders/s",
                f"≥ {TARGET_SERVICE_RATE_PROCESSES:.0f}/s",
                FAILED if rate is None else verdict(rate >= TARGET_SERVICE_RATE_PROCESSES),
            )
        )
    if load_info["loaded"]:
        rows.append(
            (
                f"2. load {load_info['loaded']:,} orders (COPY, {workers} processes)",
                f"{load_info['seconds']:.0f} s + VACUUM ANALYZE {load_info['vacuum']:.0f} s",
                "—",
                "info",
            )
        )
    elif load_info.get("previous") and not load_info["previous"].get("resumed"):
        prev = load_info["previous"]
        rows.append(
            (
                f"2. load {prev['loaded']:,} orders (COPY, {prev['workers']} processes)",
                f"{prev['seconds']:.0f} s + VACUUM ANALYZE {prev['vacuum']:.0f} s "
                f"(at {prev['at']}; skipped this run)",
                "—",
                "info",
            )
        )
    else:
        rows.append((f"2. load {n:,} orders", "already loaded (skipped)", "—", "info"))
    rows += scan_rows(scan) if scan else [failed_row("3. sla_scan")]
    if deadlines is None:
        rows.append(failed_row("4. deadline computations"))
    for label, rate in (deadlines or {}).items():
        rows.append(
            (
                f"4. due(…, {label})",
                f"{rate:,.0f}/s",
                f"≥ {TARGET_DEADLINES:,.0f}/s",
                verdict(rate >= TARGET_DEADLINES),
            )
        )
    return rows


def scan_rows(scan) -> list[tuple[str, str, str, str]]:
    """Figure 3's rows (also ``bench/run.py --only scan``)."""

    def scan_row(label, figures, expected, limit, note):
        yellow, red, seconds = figures
        ok = seconds < limit and (yellow, red) == tuple(expected)
        return (
            label,
            f"{seconds:.{2 if seconds >= 0.1 else 3}f} s (yellow {yellow:,}, red {red:,})",
            f"< {limit:g} s, {note}",
            verdict(ok),
        )

    load = scan.get("load")
    busy = load is not None and load >= BUSY_LOAD
    limit = TARGET_SCAN_SECONDS_BUSY if busy else TARGET_SCAN_SECONDS
    quiet = f"machine {'busy' if busy else 'quiet'}: load {load if load is not None else '?'}"
    peak_share = sum(scan["expected"]) / max(scan["open"], 1)
    share_share = sum(scan["share_expected"]) / max(scan["open"], 1)
    return [
        scan_row(
            f"3. sla_scan, {share_share:.0%} of {scan['open']:,} open due (brief's case)",
            scan["share"],
            scan["share_expected"],
            limit,
            f"marks as expected ({quiet})",
        ),
        scan_row(
            f"3. sla_scan, midnight peak: {peak_share:.1%} due",
            scan["peak"],
            scan["expected"],
            limit,
            f"marks as expected ({quiet})",
        ),
        scan_row(
            "3. sla_scan, 2nd run (peak)",
            scan["second"],
            (0, 0),
            TARGET_RESCAN_SECONDS,
            "marks 0",
        ),
        (
            "3. sla_scan --full, peak (sweeps every past deadline; the first scan)",
            f"{scan['full'][2]:.2f} s (yellow {scan['full'][0]:,}, red {scan['full'][1]:,})",
            "—",
            "info" if tuple(scan["full"][:2]) == tuple(scan["expected"]) else "FAIL",
        ),
        (
            "3. manage.py sla_scan, peak (in-process)",
            f"{scan['command'][1]:.2f} s ({scan['command'][0].split('  ')[0]})",
            f"< {limit:g} s",
            verdict(scan["command"][1] < limit),
        ),
    ]


def print_table(rows) -> None:
    width = [
        max(len(str(r[k])) for r in rows + [("figure", "value", "target", "")]) for k in range(4)
    ]
    print()
    print(
        "  ".join(
            h.ljust(w) for h, w in zip(("figure", "value", "target", "result"), width, strict=True)
        )
    )
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, width, strict=True)))


# -- RESULTS.md: the commit, the sections; the ledger bench's section (issue 11) -----------------


def commit() -> str:
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
        # RESULTS.md itself changes during a run (each section is written as it is measured)
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--untracked-files=no",
                "--",
                ".",
                ":!bench/RESULTS.md",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{head}{'+dirty' if dirty else ''}" if head else "unknown"


def write_section(mark: str, section: str) -> None:
    """Replace (or append) the section between ``<!-- mark -->`` and ``<!-- /mark -->``."""
    text = RESULTS.read_text() if RESULTS.exists() else RESULTS_HEAD
    pattern = re.compile(rf"<!-- {re.escape(mark)} -->.*?<!-- /{re.escape(mark)} -->\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def render_ledger(rows, stamp: Stamp, facts: dict) -> str:
    n, info, data = facts["n"], facts["info"], facts["facts"]
    before, during, after = facts["load"]

    def avg(x):
        return "?" if x is None else f"{x:.2f}"

    lines = [
        "<!-- bench:ledger -->",
        f"## The ledger, the statistics and the exports at {n:,} orders (issue 11)",
        "",
        stamp.header(quick=facts["quick"]),
        "",
        f"Database `{facts['db']}`; 1-minute load average {avg(before)} at the start, "
        f"{avg(during)} when the pages were timed, {avg(after)} at the end; the whole ledger "
        f"bench took {facts['total']:.0f} s.",
        "",
        "| figure | value | target | result |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    shown = info if info.get("loaded") else info.get("previous")
    lines += ["", "Notes:", ""]
    channels = ", ".join(f"{k} {v:,}" for k, v in data["channels"].items())
    statuses = ", ".join(f"{k} {v:,}" for k, v in data["statuses"].items())
    lines.append(
        f"- Dataset (bench/ledger_data.py): {n:,} orders over the 13 months before "
        f"{SCAN_NOW:%Y-%m-%d}, {data['deputies']:,} deputies, "
        + (
            f"{data['events']:,} events"
            if data["events"]
            else "the event rows not loaded (`--events` loads them)"
        )
        + "; by "
        f"channel {channels}; by state {statuses}. Each ledger row folded from its order's "
        "events by `facts.event_changes`."
    )
    if shown:
        when = "" if shown is info else " (an earlier run; skipped in this one)"
        lines.append(
            f"- Loaded by COPY with {shown['workers']} processes in {shown['seconds']:.0f} s "
            f"(+ VACUUM ANALYZE {shown['vacuum']:.0f} s){when}."
        )
    for key, what in (("ledger", "the ledger"), ("stats", "the dashboard")):
        figure = (facts.get("pages") or {}).get(key)
        if figure and figure.get("per"):
            views = "; ".join(
                f"`{url if len(url) < 70 else url[:60] + '…'}` {st['view']['p95']:.0f} ms "
                f"(the page alone {st['page']['p95']:.0f} ms)"
                for url, st in figure["per"].items()
            )
            lines.append(f"- p95 of each view of {what}: {views}.")
    lines.append(
        f"- Pages through Django's test client in-process (no HTTP), logged in as a liaison "
        f"officer, DEBUG off, the services' clock frozen at the bench moment; month "
        f"{facts['month']}; a view is the page and the fragments it loads at once (htmx "
        '`hx-trigger="load"`: the ledger\'s counts). Exports: `manage.py ledger` in a '
        "subprocess, rows/s over its whole run (Python and Django start-up included), peak RSS "
        "from `wait4` (the whole process)."
    )
    lines += ["<!-- /bench:ledger -->", ""]
    return "\n".join(lines)
