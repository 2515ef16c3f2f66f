"""The figures as a table: printed, and written to bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

from bench.data import SCAN_NOW
from bench.db import sql_scalar

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

# Targets (see bench/README.md for where they come from).
TARGET_SERVICE_RATE = 10.0  # orders/s: a large city hotline peaks well under 5 new orders/s
TARGET_SCAN_SECONDS = 5.0
TARGET_RESCAN_SECONDS = 1.0
TARGET_DEADLINES = 50_000.0


def machine() -> dict:
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
        "postgresql": sql_scalar("SHOW server_version").split()[0],
        "shared_buffers": sql_scalar("SHOW shared_buffers"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "date": datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def render(rows, mach, load_info, scan, n, total_seconds, sample, db, busy) -> str:
    lines = [
        f"<!-- bench:{n} -->",
        f"## {n:,} open orders",
        "",
        f"Run {mach['date']} at commit {commit()} on {mach['nproc']} CPUs "
        f"({mach['cpu'] or 'unknown CPU'}), "
        f"{mach['memory']} RAM, PostgreSQL {mach['postgresql']} (shared_buffers "
        f"{mach['shared_buffers']}, otherwise stock), Python {mach['python']}, "
        f"Django {mach['django']}; database `{db}`; the whole run took {total_seconds:.0f} s.",
        "",
        "| figure | value | target | result |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", "Notes:", ""]
    if busy:
        lines.append(
            f"- The machine was not idle: 1-minute load average {busy[0]:.1f} before the run and "
            f"{busy[1]:.1f} after it (other processes were running); with {mach['nproc']} CPUs "
            "the figures, the multi-process ones most, are lower than on an idle machine."
        )
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
    exp_yellow, exp_red = scan["expected"]
    lines.append(
        f"- Scan at {SCAN_NOW.isoformat()}, a working day just after midnight, the previous scan "
        f"10 minutes before: of {scan['open']:,} open orders, {exp_yellow:,} turn yellow (due "
        f"that day) and {exp_red:,} red (due the day before), "
        f"{(exp_yellow + exp_red) / max(scan['open'], 1):.1%}: working-day deadlines all end at "
        "23:59:59, so this is the busiest scan of the day. The brief's case gives all but "
        f"{sum(scan['share_expected']):,} of them their new warning beforehand."
    )
    lines.append(
        f"- Services: {sample:,} orders, each `order_create(accept=True)` then `order_dispatch` "
        "(lead + one assisting department), on the loaded table; DEBUG off."
    )
    lines += [f"<!-- /bench:{n} -->", ""]
    return "\n".join(lines)


def write_results(section: str, n: int) -> None:
    header = (
        "# Benchmark results\n\n"
        "Written by `make bench` (`bench/run.py`); one section per order count, replaced on each "
        "run. See bench/README.md for what is measured and how.\n\n"
    )
    text = RESULTS.read_text() if RESULTS.exists() else header
    pattern = re.compile(rf"<!-- bench:{n} -->.*?<!-- /bench:{n} -->\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def build_rows(services, workers, load_info, n, scan, deadlines) -> list[tuple[str, str, str, str]]:
    verdict = _verdict
    rows = [
        (
            "1. create+dispatch via services, 1 process",
            f"{services[1]:,.0f} orders/s",
            f"≥ {TARGET_SERVICE_RATE:.0f}/s",
            verdict(services[1] >= TARGET_SERVICE_RATE),
        )
    ]
    if workers > 1 and workers in services:
        rate = services[workers]
        rows.append(
            (
                f"1. create+dispatch via services, {workers} processes",
                f"FAILED: {services.get('failed', '')}"
                if rate is None
                else f"{rate:,.0f} orders/s",
                f"≥ {TARGET_SERVICE_RATE:.0f}/s",
                "FAIL" if rate is None else verdict(rate >= TARGET_SERVICE_RATE),
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
    rows += scan_rows(scan)
    for label, rate in deadlines.items():
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
            _verdict(ok),
        )

    peak_share = sum(scan["expected"]) / max(scan["open"], 1)
    share_share = sum(scan["share_expected"]) / max(scan["open"], 1)
    return [
        scan_row(
            f"3. sla_scan, {share_share:.0%} of {scan['open']:,} open due (brief's case)",
            scan["share"],
            scan["share_expected"],
            TARGET_SCAN_SECONDS,
            "marks as expected",
        ),
        scan_row(
            f"3. sla_scan, midnight peak: {peak_share:.1%} due",
            scan["peak"],
            scan["expected"],
            TARGET_SCAN_SECONDS,
            "marks as expected",
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
            f"< {TARGET_SCAN_SECONDS:g} s",
            _verdict(scan["command"][1] < TARGET_SCAN_SECONDS),
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


# -- the ledger bench's section (bench/ledger.py, issue 11) ---------------------------------------


def commit() -> str:
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
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
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' (with uncommitted changes)' if dirty else ''}" if head else "unknown"


def write_section(mark: str, section: str) -> None:
    """Replace (or append) the section between ``<!-- mark -->`` and ``<!-- /mark -->``."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"<!-- {re.escape(mark)} -->.*?<!-- /{re.escape(mark)} -->\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def render_ledger(rows, mach, facts: dict) -> str:
    n, info, data = facts["n"], facts["info"], facts["facts"]
    before, during, after = facts["load"]

    def avg(x):
        return "?" if x is None else f"{x:.2f}"

    lines = [
        "<!-- bench:ledger -->",
        f"## The ledger, the statistics and the exports at {n:,} orders (issue 11)",
        "",
        f"Run {mach['date']} at commit {commit()} on {mach['nproc']} CPUs "
        f"({mach['cpu'] or 'unknown CPU'}), {mach['memory']} RAM, PostgreSQL "
        f"{mach['postgresql']} (shared_buffers {mach['shared_buffers']}), Python "
        f"{mach['python']}, Django {mach['django']}; database `{facts['db']}`; 1-minute load "
        f"average {avg(before)} at the start, {avg(during)} when the pages were timed, "
        f"{avg(after)} at the end; the whole ledger bench took {facts['total']:.0f} s"
        + (" (`--quick`)." if facts["quick"] else "."),
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
