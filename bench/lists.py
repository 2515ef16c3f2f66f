#!/usr/bin/env python
"""List pages at 1M orders (issue 4): p95 of the role queues and the ledger on PostgreSQL.

Runs against the bench database that ``bench/run.py`` loaded (``minyi_bench``, 1M open orders);
it only adds two users (a handler of one bench department, a liaison officer) when missing.
Each page is rendered in full through the Django test client (session, role check, query,
template), DEBUG off:

- department handler: 待签收 and 办理中, first page and a deep page (the cursor after 40 pages);
- liaison officer: the ledger's first page, a deep page, and filtered pages (department,
  state + date range, warning).

``python bench/lists.py [--repeat N] [--no-results]``; writes the section
``<!-- bench:lists -->`` of bench/RESULTS.md. From bench/run.py: ``list_figures()``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.db import DEFAULT_URL  # noqa: E402

TARGET_MS = 200.0
DEEP_PAGES = 40


def _users():
    from minyi.accounts.models import Role, User
    from minyi.reference.models import Department

    department = Department.objects.get(name="基准市城市管理局")
    handler, _ = User.objects.get_or_create(
        username="bench-handler",
        defaults={"role": Role.HANDLER, "department": department, "last_name": "基准承办"},
    )
    liaison, _ = User.objects.get_or_create(
        username="bench-liaison", defaults={"role": Role.LIAISON, "last_name": "基准联工委"}
    )
    return handler, liaison, department


def _next(html: str) -> str | None:
    found = re.search(r'rel="next" href="\?([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _deep(client, url: str, pages: int) -> str:
    """The URL of page ``pages + 1``, reached by following 下一页."""
    link = url
    for _ in range(pages):
        response = client.get(link)
        following = _next(response.content.decode())
        if not following:
            break
        link = url.split("?")[0] + "?" + following
    return link


def _time(client, url: str, repeat: int) -> dict:
    client.get(url)  # warm: plan cache, template cache
    samples = []
    rows = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    rows = response.content.decode().count('class="order-row"')
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[max(0, int(round(0.95 * len(samples))) - 1)],
        "max": samples[-1],
        "rows": rows,
    }


def list_figures(repeat: int = 60) -> list[tuple[str, dict]]:
    from django.test import Client

    handler, liaison, department = _users()
    # setup_django allows the host "localhost" only
    as_handler, as_liaison = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    as_handler.force_login(handler)
    as_liaison.force_login(liaison)
    cases = [
        ("承办人 待签收 第1页", as_handler, "/work/department/?tab=pending"),
        ("承办人 办理中 第1页", as_handler, "/work/department/?tab=handling"),
        (
            f"承办人 办理中 第{DEEP_PAGES + 1}页",
            as_handler,
            _deep(as_handler, "/work/department/?tab=handling", DEEP_PAGES),
        ),
        ("联工委 台账 第1页", as_liaison, "/work/ledger/"),
        (
            f"联工委 台账 第{DEEP_PAGES + 1}页",
            as_liaison,
            _deep(as_liaison, "/work/ledger/", DEEP_PAGES),
        ),
        ("联工委 台账 按承办单位", as_liaison, f"/work/ledger/?department={department.pk}"),
        (
            "联工委 台账 按状态+日期",
            as_liaison,
            "/work/ledger/?status=signed&date_from=2026-11-01&date_to=2026-11-30",
        ),
        ("联工委 台账 红色超期", as_liaison, "/work/ledger/?warning=red"),
        (
            f"联工委 台账 按承办单位 第{DEEP_PAGES + 1}页",
            as_liaison,
            _deep(as_liaison, f"/work/ledger/?department={department.pk}", DEEP_PAGES),
        ),
    ]
    figures = []
    for label, client, url in cases:
        result = _time(client, url, repeat)
        figures.append((label, result))
        print(
            f"  {label:<28} p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  "
            f"max {result['max']:6.1f} ms  rows {result['rows']}",
            flush=True,
        )
    return figures


def outcome_of(figures):
    """MISSED when a page's p95 is over the target (bench/child.py's codes)."""
    from bench.child import MISSED, OK, Outcome

    return Outcome("lists", OK if all(f["p95"] < TARGET_MS for _, f in figures) else MISSED)


def render(figures, orders: int, repeat: int, stamp) -> str:
    ok = all(f["p95"] < TARGET_MS for _, f in figures)
    lines = [
        "<!-- bench:lists -->",
        f"## List pages at {orders:,} orders (PostgreSQL)",
        "",
        stamp.header(),
        "",
        f"Whole page through the Django test client (session, role check, keyset query, template),"
        f" DEBUG off, {repeat} requests each after one warm-up; page size 50; deep pages are"
        f" reached by following 下一页 {DEEP_PAGES} times. Target: p95 under {TARGET_MS:.0f} ms —"
        f" {'met' if ok else 'NOT met'}.",
        "",
        "| page | p50 ms | p95 ms | max ms | rows |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, f in figures:
        lines.append(
            f"| {label} | {f['p50']:.1f} | {f['p95']:.1f} | {f['max']:.1f} | {f['rows']} |"
        )
    lines += ["<!-- /bench:lists -->", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=60, help="requests per page (60)")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    from bench import report
    from bench.db import setup_django

    stamp = report.Stamp()
    setup_django(os.environ["DATABASE_URL"])
    from minyi.orders.models import WorkOrder

    orders = WorkOrder.objects.count()  # once, for the report; the pages never count
    print(f"list pages: {orders:,} orders in the database", flush=True)
    figures = list_figures(args.repeat)
    if not args.no_results:
        report.write_section("bench:lists", render(figures, orders, args.repeat, stamp))
        print(f"wrote {report.RESULTS.relative_to(ROOT)}")
    return outcome_of(figures).code


if __name__ == "__main__":
    raise SystemExit(main())
