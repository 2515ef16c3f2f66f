#!/usr/bin/env python
"""List pages and the order detail at 1M orders (issues 4 and 13) on PostgreSQL.

Runs against the bench database that ``bench/run.py`` loaded (``minyi_bench``, 1M open orders);
it only adds three users (a handler of one bench department, a dispatcher, a liaison officer)
when missing. Each page is rendered in full through the Django test client (session, role
check, query, template), DEBUG off, so a figure is the server's time without the network:

- every keyset list with rows at depth, first page and deep page (page 401, reached by
  following 下一页 400 times; page 41 with ``--quick``): the handler's 办理中, the dispatcher's
  超期与督办, the ledger and the ledger of one department; the deep page must stay within 20% of
  the first (issue 13, "Deep pages": p50 against p50);
- the handler's 待签收 and the ledger's filtered pages (state + date range, warning), first page;
- the order detail of a random open order (a different one each request), as the handler (an
  order of their department) and as the dispatcher: p50 / p95 under 30 ms (issue 13).

``python bench/lists.py [--repeat N] [--deep N] [--no-results]``; writes the section
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
DETAIL_TARGET_MS = 30.0
DEEP_PAGES = 400  # page 401; 40 (page 41) with --quick
DEEP_RATIO = 1.20  # a deep page within 20% of the first (p50)


def _users():
    from minyi.accounts.models import Role, User
    from minyi.reference.models import Department

    department = Department.objects.get(name="基准市城市管理局")
    handler, _ = User.objects.get_or_create(
        username="bench-handler",
        defaults={"role": Role.HANDLER, "department": department, "last_name": "基准承办"},
    )
    dispatcher, _ = User.objects.get_or_create(
        username="bench-dispatcher", defaults={"role": Role.DISPATCHER, "last_name": "基准派单"}
    )
    liaison, _ = User.objects.get_or_create(
        username="bench-liaison", defaults={"role": Role.LIAISON, "last_name": "基准联工委"}
    )
    return handler, dispatcher, liaison, department


def _next(html: str) -> str | None:
    found = re.search(r'rel="next" href="\?([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _deep(client, url: str, pages: int) -> tuple[str, int]:
    """The URL of page ``pages + 1`` reached by following 下一页, and the page number reached
    (less when the list ends first)."""
    link, page = url, 1
    for _ in range(pages):
        response = client.get(link)
        following = _next(response.content.decode())
        if not following:
            break
        link, page = url.split("?")[0] + "?" + following, page + 1
    return link, page


def _summary(samples: list[float], rows: int) -> dict:
    samples = sorted(samples)
    return {
        "p50": statistics.median(samples),
        "p95": samples[max(0, int(round(0.95 * len(samples))) - 1)],
        "max": samples[-1],
        "rows": rows,
    }


def _time(client, url: str, repeat: int) -> dict:
    client.get(url)  # warm: plan cache, template cache
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return _summary(samples, response.content.decode().count('class="order-row"'))


def _time_each(client, urls: list[str]) -> dict:
    """One request to each URL (a different order each time), after one warm-up."""
    client.get(urls[0])
    samples = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return _summary(samples, 1)


def _random_open_orders(count: int, department=None) -> list[str]:
    """``count`` order numbers drawn at random among the open orders (of ``department``'s
    parts when given): random ids probed on the primary key, never ``ORDER BY random()``."""
    import random

    from django.db.models import Max, Min

    from minyi.orders.models import Assignment, WorkOrder

    bounds = WorkOrder.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(13)
    found: list[str] = []
    for _ in range(20):
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(count * 40)]
        orders = WorkOrder.objects.open().filter(pk__in=ids)
        if department is not None:
            parts = Assignment.objects.filter(department=department, order_id__in=ids)
            orders = orders.filter(pk__in=parts.values("order_id"))
        found += list(orders.values_list("number", flat=True)[: count - len(found)])
        if len(found) >= count:
            break
    rng.shuffle(found)
    return found


def list_figures(repeat: int = 20, deep: int = DEEP_PAGES) -> list[tuple[str, dict]]:
    """The figures, in order; a deep page's dict carries ``ratio`` (its p50 over the first
    page's) and ``page`` (the page reached)."""
    from django.test import Client

    handler, dispatcher, liaison, department = _users()
    # setup_django allows the host "localhost" only
    as_handler, as_dispatcher, as_liaison = (Client(HTTP_HOST="localhost") for _ in range(3))
    as_handler.force_login(handler)
    as_dispatcher.force_login(dispatcher)
    as_liaison.force_login(liaison)
    ledger_department = f"/work/ledger/?channel=all&department={department.pk}"
    keyset = [  # (label, client, first page): measured at page 1 and page deep + 1
        ("承办人 办理中", as_handler, "/work/department/?tab=handling"),
        ("派单员 超期与督办", as_dispatcher, "/work/dispatch/?tab=supervision"),
        ("联工委 台账", as_liaison, "/work/ledger/?channel=all"),
        ("联工委 台账 按承办单位", as_liaison, ledger_department),
    ]
    single = [
        ("承办人 待签收 第1页", as_handler, "/work/department/?tab=pending"),
        (
            "联工委 台账 按状态+日期",
            as_liaison,
            "/work/ledger/?channel=all&status=signed&date_from=2026-11-01&date_to=2026-11-30",
        ),
        ("联工委 台账 红色超期", as_liaison, "/work/ledger/?channel=all&warning=red"),
    ]
    figures = []

    def record(label: str, result: dict) -> None:
        figures.append((label, result))
        ratio = f"  ×{result['ratio']:.2f} of page 1" if "ratio" in result else ""
        print(
            f"  {label:<30} p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  "
            f"max {result['max']:6.1f} ms  rows {result['rows']}{ratio}",
            flush=True,
        )

    for label, client, url in keyset:
        first = _time(client, url, repeat)
        record(f"{label} 第1页", first)
        link, page = _deep(client, url, deep)
        result = _time(client, link, repeat)
        result.update(ratio=result["p50"] / first["p50"], page=page)
        record(f"{label} 第{page}页", result)
    for label, client, url in single:
        record(label, _time(client, url, repeat))
    for label, client, numbers in (
        ("工单详情 承办人（随机在办工单）", as_handler, _random_open_orders(repeat, department)),
        ("工单详情 派单员（随机在办工单）", as_dispatcher, _random_open_orders(repeat)),
    ):
        result = _time_each(client, [f"/work/orders/{n}/" for n in numbers])
        result["detail"] = True
        record(label, result)
    return figures


def outcome_of(figures):
    """MISSED when a list page's p95, the deep page's ratio or the order detail misses its target
    (bench/child.py's codes)."""
    from bench.child import MISSED, OK, Outcome

    return Outcome("lists", OK if all(verdicts(figures).values()) else MISSED)


def verdicts(figures) -> dict[str, bool]:
    return {
        "lists": all(f["p95"] < TARGET_MS for _, f in figures if not f.get("detail")),
        "deep": all(f["ratio"] <= DEEP_RATIO for _, f in figures if "ratio" in f),
        "detail": all(f["p95"] < DETAIL_TARGET_MS for _, f in figures if f.get("detail")),
    }


def render(figures, orders: int, repeat: int, stamp, deep: int = DEEP_PAGES) -> str:
    v = verdicts(figures)
    lists_ok, deep_ok, detail_ok = v["lists"], v["deep"], v["detail"]
    reached = all(f["page"] == deep + 1 for _, f in figures if "ratio" in f)

    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines = [
        "<!-- bench:lists -->",
        f"## List pages and the order detail at {orders:,} orders (PostgreSQL)",
        "",
        stamp.header(),
        "",
        f"Whole page through the Django test client (session, role check, keyset query, template),"
        f" DEBUG off, in-process (server time, no network); {repeat} requests each after one"
        f" warm-up; page size 50. Deep pages are reached by following 下一页 {deep} times"
        f"{'' if reached else ' (a list that ends sooner shows the page it reached)'}."
        f" Targets: list p95 under {TARGET_MS:.0f} ms — {met(lists_ok)}; the deep page's p50"
        f" within {DEEP_RATIO - 1:.0%} of page 1's (issue 13) — {met(deep_ok)}; the order"
        f" detail (a different random open order each request) p95 under"
        f" {DETAIL_TARGET_MS:.0f} ms — {met(detail_ok)}.",
        "",
        "| page | p50 ms | p95 ms | max ms | rows | deep ÷ page 1 (p50) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, f in figures:
        ratio = f"{f['ratio']:.2f}" if "ratio" in f else ""
        lines.append(
            f"| {label} | {f['p50']:.1f} | {f['p95']:.1f} | {f['max']:.1f} | {f['rows']} "
            f"| {ratio} |"
        )
    lines += ["<!-- /bench:lists -->", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per page (20)")
    parser.add_argument(
        "--deep", type=int, default=DEEP_PAGES, help=f"pages to follow ({DEEP_PAGES})"
    )
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
    figures = list_figures(args.repeat, args.deep)
    if not args.no_results:
        report.write_section("bench:lists", render(figures, orders, args.repeat, stamp, args.deep))
        print(f"wrote {report.RESULTS.relative_to(ROOT)}")
    return outcome_of(figures).code


if __name__ == "__main__":
    raise SystemExit(main())
