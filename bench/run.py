#!/usr/bin/env python
"""Minyi benchmark on PostgreSQL (``make bench``; see bench/README.md).

Figures:

1. orders created and dispatched per second through the services (``order_create(accept=True)``
   then ``order_dispatch`` to a lead and one assisting department), one process and N processes;
2. the time to load N (default 1,000,000) open orders with their assignments and ledger rows by
   COPY, every deadline computed by the calendar code itself;
3. ``sla_scan`` over those orders: first run (marks what crossed since the previous scan), second
   run (marks nothing), the ``manage.py sla_scan`` command in-process, and a ``--full`` sweep;
4. deadline computations per second (``get_calendar().due``, working days and working hours);
then the list pages (``bench/lists.py``), the django-helpdesk peer beside them
(``bench/peer.py``: its create right after our figure 1, its list and escalate after our list
pages), caller identification (``bench/callers.py``), 码上找代表's deputy page and message post
rate (``bench/mashang.py``), the ledger, the statistics and the exports (``bench/ledger.py``), the
duplicate check while typing (``bench/dupcheck.py``), the routing hint (``bench/routing.py``), and
the text engine's quality and grouping speed (``bench/text_quality.py``, ``bench/text_speed.py``),
the newest migrations on big tables undone and applied again under a probe (``bench/upgrade.py``),
each in its own section and, from the callers on, in a process of its own, bounded in time
(``bench/child.py``), and last the busy hour (``bench/busy_hour.py``: every role at once
against the app served by the production command).

Options: ``--orders N`` (default 1,000,000), ``--sample N`` (service orders, default 2,000),
``--workers N`` (default: number of CPUs), ``--reload`` (drop the loaded orders and load again),
``--quick`` (50,000 orders, 400 service orders, in the database ``minyi_bench_quick``),
``--load-only`` (load and stop), ``--only scan`` (load if needed, then figure 3 alone, printed and
not written to RESULTS.md), ``--share F`` (the scan case with only that share of the open
orders due for a change, default 0.03), ``--explain`` (print EXPLAIN ANALYZE of the scan's
statements), ``--no-results`` (do not touch bench/RESULTS.md), ``--no-judge`` (a missed target
does not fail the exit status), ``--no-peer`` (skip the peer).

Exit status: 0 when every part ran and met its targets, 1 when a figure missed its target (0 with
``--no-judge``), 2 when the bench broke (a part raised, timed out or exited otherwise).

``DATABASE_URL`` selects the database (default postgres://postgres@127.0.0.1:5432/minyi_bench);
the database is created if missing and migrated. The load is resumable: it commits every chunk,
continues where it stopped, and is skipped when the database already holds N bench orders.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import child, lists, peer, report  # noqa: E402
from bench.data import SCAN_NOW, fixtures  # noqa: E402
from bench.db import DEFAULT_URL, QUICK_URL, ensure_database, setup_django  # noqa: E402
from bench.load import load  # noqa: E402
from bench.scan import scan_figures  # noqa: E402
from bench.services import deadline_figures, service_figures  # noqa: E402

# The sections after the figures above, each in a process of its own (its own Django and, but for
# dupcheck, its own database), bounded in time (bench/child.py): (title, script, takes --quick).
SECTIONS = [
    ("caller identification (issue 3)", "callers.py", True),
    ("码上找代表 (issue 10)", "mashang.py", True),
    ("the ledger, the statistics and the exports (issue 11)", "ledger.py", True),
    ("the duplicate check while typing, on the orders loaded (issue 12)", "dupcheck.py", True),
    ("routing hints (issue 12)", "routing.py", True),
    ("text engine quality (issue 12)", "text_quality.py", False),
    ("topic grouping speed (issue 12)", "text_speed.py", True),
    # on the orders loaded above, before the busy hour writes its own (each migration undone and
    # applied again, the database left as it was)
    ("upgrades without long locks (issue 14)", "upgrade.py", True),
    # last: every role at once against the production command, on the orders loaded above
    ("the busy hour (issue 13)", "busy_hour.py", True),
]
# A wait on the database (a lock held by another session) ends with an error instead of hanging
# the run; libpq reads this for every connection of the bench and of the processes it starts.
PG_OPTIONS = "-c lock_timeout=120s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=None, help="open orders to load (1,000,000)")
    parser.add_argument("--sample", type=int, default=None, help="service orders (2,000)")
    parser.add_argument("--deadlines", type=int, default=200_000, help="deadline computations")
    parser.add_argument("--workers", type=int, default=None, help="service processes (nproc)")
    parser.add_argument("--reload", action="store_true", help="drop the loaded orders, load again")
    parser.add_argument("--quick", action="store_true", help="smoke run: 50,000 orders")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the scan")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--load-only", action="store_true", help="load the orders and stop")
    parser.add_argument(
        "--no-judge", action="store_true", help="a missed target does not fail the exit code"
    )
    parser.add_argument("--no-peer", action="store_true", help="do not run the helpdesk peer")
    parser.add_argument(
        "--only", choices=["scan"], help="run one figure alone (printed only): scan (figure 3)"
    )
    parser.add_argument(
        "--share", type=float, default=0.03, help="open orders due for a change, 2nd case (0.03)"
    )
    args = parser.parse_args()
    n = args.orders or (50_000 if args.quick else 1_000_000)
    sample = args.sample or (400 if args.quick else 2_000)
    try:
        workers = args.workers or len(os.sched_getaffinity(0))
    except AttributeError:
        workers = args.workers or os.cpu_count() or 1
    os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} {PG_OPTIONS}".strip()
    child.stop_on_term()

    began = time.perf_counter()
    stamp = report.Stamp()
    url = os.environ.get("DATABASE_URL") or (QUICK_URL if args.quick else DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"DATABASE_URL must be PostgreSQL for the benchmark, not {url!r}")
    db = ensure_database(url)
    setup_django(url)
    fx = fixtures()
    print(f"database {db}; {n:,} orders; scan at {SCAN_NOW.isoformat()}")
    outcomes: list[child.Outcome] = []

    print(f"[2] loading {n:,} open orders by COPY", flush=True)
    load_info, outcome = child.attempt("load", load, n, fx, reload=args.reload, workers=workers)
    outcomes.append(outcome)
    if load_info and load_info["loaded"]:
        rate = load_info["loaded"] / load_info["seconds"]
        print(
            f"  {load_info['loaded']:,} orders + {load_info['assignments']:,} assignments + "
            f"{load_info['events']:,} events in {load_info['seconds']:.1f} s ({rate:,.0f} orders/s)"
            f"; VACUUM ANALYZE {load_info['vacuum']:.1f} s"
        )
    if args.load_only:
        return finish(outcomes, args, began)
    if args.only == "scan":
        return only_scan(args.explain, args.share)
    if load_info is not None:  # without its orders, figures 1–4, the lists and the peer are moot
        outcomes += on_the_orders(args, load_info, stamp, db, n, sample, workers)

    for title, script, takes_quick in SECTIONS:
        print(f"\n== {title} (bench/{script})", flush=True)
        outcomes.append(
            child.spawn(
                script, quick=args.quick, results=not args.no_results, takes_quick=takes_quick
            )
        )
    return finish(outcomes, args, began)


def on_the_orders(args, load_info, stamp, db, n, sample, workers) -> list[child.Outcome]:
    """Figures 1–4, the list pages and the peer beside them, on the loaded orders; how each
    part ended."""
    outcomes: list[child.Outcome] = []
    deadline_count = min(args.deadlines, 50_000) if args.quick else args.deadlines
    print(f"[4] deadline computations ({deadline_count:,} random starts in 2025–2027)", flush=True)
    deadlines, outcome = child.attempt("deadlines", deadline_figures, deadline_count)
    outcomes.append(outcome)

    print("[3] sla_scan", flush=True)
    scan, outcome = child.attempt("sla_scan", scan_figures, args.explain, args.share)
    outcomes.append(outcome)

    # The peer's create runs right beside ours, so both are measured under the same load.
    print(f"[1] create + dispatch through the services ({sample:,} orders)", flush=True)
    services, outcome = child.attempt("services", service_figures, sample, workers)
    outcomes.append(outcome)
    peer_run = peer.Peer.find(quick=args.quick, skip=args.no_peer)
    peer_run.run("create")

    rows = report.build_rows(services, workers, load_info, n, scan, deadlines)
    report.print_table(rows)
    outcomes.append(report.outcome_of("figures 1–4", rows))
    print(f"\nfigures 1–4: {time.perf_counter() - stamp.began:.0f} s")
    if not args.no_results:
        section = report.render(rows, stamp, load_info, scan, n, sample, db)
        report.write_section(f"bench:{n}", section)
        print(f"figures written to {report.RESULTS.relative_to(ROOT)}")

    # Issue 4: list pages at this size (same database, same process).
    print("\n== list pages (bench/lists.py)")
    repeat = 20
    deep = 40 if args.quick else lists.DEEP_PAGES  # page 41 / page 401
    stamp = report.Stamp()
    figures, outcome = child.attempt("lists", lists.list_figures, repeat, deep)
    outcomes.append(outcome if figures is None else lists.outcome_of(figures))
    if figures is not None and not args.no_results:
        report.write_section("bench:lists", lists.render(figures, n, repeat, stamp, deep))

    # The peer's list and escalate cases, then its section beside our figures.
    peer_run.run("list")
    peer_run.run("escalate")
    outcomes.append(peer_run.outcome(services))
    if not args.no_results:
        report.write_section(peer.MARK, peer_run.render(services, figures, scan))

    return outcomes


def finish(outcomes: list[child.Outcome], args, began: float) -> int:
    """Print how every part ended; the exit code: 2 if one broke, else 1 if a figure missed its
    target (0 with ``--no-judge``), else 0."""
    print(f"\n== the whole bench: {time.perf_counter() - began:.0f} s")
    for outcome in outcomes:
        print(f"  {outcome.name:<16} {outcome.summary}")
    codes = {o.code for o in outcomes}
    if child.BROKE in codes:
        print("the bench BROKE (exit 2): a part above could not measure")
        return child.BROKE
    if child.MISSED in codes and not args.no_judge:
        print("a figure missed its target (exit 1)")
        return child.MISSED
    return child.OK


def only_scan(explain: bool, share: float) -> int:
    """Figure 3 alone (``--only scan``): its table rows, judged, and nothing written."""
    before = report.loadavg()
    print("[3] sla_scan", flush=True)
    scan = scan_figures(explain, share)
    rows = report.scan_rows(scan)
    report.print_table(rows)
    print(f"load average (1 min): {before} before, {report.loadavg()} after")
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    # a database that cannot be reached, SIGTERM (child.Stopped): exit 2, the bench broke
    sys.exit(child.guarded(main))
