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
then the list pages (``bench/lists.py``), caller identification (``bench/callers.py``),
码上找代表's deputy page and message post rate (``bench/mashang.py``), the ledger, the
statistics and the exports (``bench/ledger.py``), the duplicate check while typing
(``bench/dupcheck.py``), the routing hint (``bench/routing.py``), and the text engine's quality
and grouping speed (``bench/text_quality.py``, ``bench/text_speed.py``), each in its own section.

Options: ``--orders N`` (default 1,000,000), ``--sample N`` (service orders, default 2,000),
``--workers N`` (default: number of CPUs), ``--reload`` (drop the loaded orders and load again),
``--quick`` (50,000 orders, 400 service orders, in the database ``minyi_bench_quick``),
``--load-only`` (load and stop), ``--share F`` (the scan case with only that share of the open
orders due for a change, default 0.03), ``--explain`` (print EXPLAIN ANALYZE of the scan's
statements), ``--no-results`` (do not touch bench/RESULTS.md).

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

from bench import (  # noqa: E402
    callers,
    dupcheck,
    ledger,
    lists,
    mashang,
    report,
    routing,
    text_quality,
    text_speed,
)
from bench.data import SCAN_NOW, fixtures  # noqa: E402
from bench.db import DEFAULT_URL, QUICK_URL, ensure_database, setup_django  # noqa: E402
from bench.load import load  # noqa: E402
from bench.scan import scan_figures  # noqa: E402
from bench.services import deadline_figures, service_figures  # noqa: E402


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
        "--share", type=float, default=0.03, help="open orders due for a change, 2nd case (0.03)"
    )
    args = parser.parse_args()
    n = args.orders or (50_000 if args.quick else 1_000_000)
    sample = args.sample or (400 if args.quick else 2_000)
    deadline_count = min(args.deadlines, 50_000) if args.quick else args.deadlines
    try:
        workers = args.workers or len(os.sched_getaffinity(0))
    except AttributeError:
        workers = args.workers or os.cpu_count() or 1

    began = time.perf_counter()
    load_before = report.loadavg()
    url = os.environ.get("DATABASE_URL") or (QUICK_URL if args.quick else DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"DATABASE_URL must be PostgreSQL for the benchmark, not {url!r}")
    db = ensure_database(url)
    setup_django(url)
    fx = fixtures()
    print(f"database {db}; {n:,} orders; scan at {SCAN_NOW.isoformat()}")

    print(f"[2] loading {n:,} open orders by COPY", flush=True)
    load_info = load(n, fx, reload=args.reload, workers=workers)
    if load_info["loaded"]:
        rate = load_info["loaded"] / load_info["seconds"]
        print(
            f"  {load_info['loaded']:,} orders + {load_info['assignments']:,} assignments + "
            f"{load_info['events']:,} events in {load_info['seconds']:.1f} s ({rate:,.0f} orders/s)"
            f"; VACUUM ANALYZE {load_info['vacuum']:.1f} s"
        )

    if args.load_only:
        return 0

    print(f"[4] deadline computations ({deadline_count:,} random starts in 2025–2027)", flush=True)
    deadlines = deadline_figures(deadline_count)

    print("[3] sla_scan", flush=True)
    scan = scan_figures(args.explain, args.share)

    print(f"[1] create + dispatch through the services ({sample:,} orders)", flush=True)
    services = service_figures(sample, workers)

    total = time.perf_counter() - began

    rows = report.build_rows(services, workers, load_info, n, scan, deadlines)
    report.print_table(rows)
    print(f"\nwhole bench: {total:.0f} s")

    if not args.no_results:
        mach = report.machine()
        load_after = report.loadavg()
        busy = None
        if load_before is not None and load_after is not None and load_before > 0.5:
            busy = (load_before, load_after)
        report.write_results(
            report.render(rows, mach, load_info, scan, n, total, sample, db, busy), n
        )
        print(f"figures written to {report.RESULTS.relative_to(ROOT)}")

    # Issue 4: list pages at this size (same database, same process).
    print("\n== list pages (bench/lists.py)")
    deep = 40 if args.quick else lists.DEEP_PAGES  # page 41 / page 401
    figures = lists.list_figures(20, deep)
    if not args.no_results:
        lists.write_results(lists.render(figures, n, 20, deep))
    # Issue 3: caller identification, in its own process and database.
    print("\n== caller identification (bench/callers.py)")
    callers_rc = callers.spawn(quick=args.quick, results=not args.no_results)
    # Issue 10: the 码上找代表 deputy page and the message post rate, in its own process and database.
    print("\n== 码上找代表 (bench/mashang.py)")
    mashang_rc = mashang.spawn(quick=args.quick, results=not args.no_results)
    # Issue 11: the ledger page, the dashboard, `stats` and the exports, in its own process and
    # database (a year of orders in every state with their ledger rows).
    print("\n== the ledger, the statistics and the exports (bench/ledger.py)")
    ledger_rc = ledger.spawn(quick=args.quick, results=not args.no_results)
    # Issue 12: the duplicate check while typing, against the orders loaded above (its index is
    # built first), in its own process.
    print("\n== the duplicate check while typing (bench/dupcheck.py)")
    dupcheck_rc = dupcheck.spawn(quick=args.quick, results=not args.no_results)
    # Issue 12: the routing hint (train on generated appeals, time the hint), its own database.
    print("\n== routing hints (bench/routing.py)")
    routing_rc = routing.spawn(quick=args.quick, results=not args.no_results)
    # Issue 12: the text engine's quality on the labelled set and its grouping speed, each in its
    # own process (no database).
    print("\n== text engine quality (bench/text_quality.py)")
    text_quality_rc = text_quality.spawn(results=not args.no_results)
    print("\n== topic grouping speed (bench/text_speed.py)")
    text_speed_rc = text_speed.spawn(quick=args.quick, results=not args.no_results)
    ok = all(r[3] != "FAIL" for r in rows) and callers_rc == 0 and mashang_rc == 0
    ok = ok and ledger_rc == 0 and dupcheck_rc == 0 and routing_rc == 0
    ok = ok and text_quality_rc == 0 and text_speed_rc == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
