#!/usr/bin/env python
"""码上找代表 bench (issue 10): the public deputy page and the message post rate on PostgreSQL.

Figures:

1. the registry: deputies in a synthetic city (4 counties, 40 townships, a liaison station in
   each), each with a township seat and some with a county or city one, an introduction and a
   code; created through the ORM, skipped when present;
2. the deputy's public page ``/m/<code>``: the bytes of its HTML, of its QR (``qr.svg``) and of
   the stylesheet, the SQL queries one page runs; then ``GET /m/<code>`` of random deputies by
   ``--clients`` concurrent clients (each its own keep-alive connection) against the app under
   uvicorn, DEBUG off (the caller bench's server, ``bench.callers.Server``): requests/s and
   p50/p95/p99/max of the round trip; and the bytes of the busiest station's first page (it
   lists its deputies, a hundred to a page: the longest public page);
3. the message post rate: ``POST /api/public/messages`` (the public API's contract), each with a
   new phone and its valid SMS code issued beforehand in this process (``sms_code_issue``, outside
   the timing), by one client and then by ``--clients`` concurrent clients: messages created per
   second, p50/p95 of the round trip; every answer must be 201 with a tracking code and every
   message a row; and the service alone, ``message_create`` called in this process one message
   after another (its SMS codes issued the same way), as the upper bound the API adds to.

Options: ``--quick`` (fewer deputies and requests, database ``minyi_bench_mashang_quick``),
``--clients N`` (default 8), ``--requests N``, ``--messages N``, ``--deputies N``, ``--reload``,
``--no-results`` (do not touch bench/RESULTS.md), ``--database-url``. The section
``<!-- bench:mashang -->`` of bench/RESULTS.md is replaced on each run. Exit code 1 when a target
is missed. About a minute, 20 s with ``--quick``.

Its own database: ``postgres://postgres@127.0.0.1:5432/minyi_bench_mashang`` (created if
missing, migrated). It truncates the registry and 码上找代表's tables of that database, never
anything else. The limits stay as in production: each post comes from a new phone and its own
address (``X-Forwarded-For``, which uvicorn takes from the loopback as it would from the proxy),
to random deputies.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.callers import (  # noqa: E402
    HOST,
    Server,
    fmt_ms,
    loadavg,
    machine,
    percentiles,
    print_table,
    server_env,
    verdict,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_mashang"
QUICK_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_mashang_quick"
VAR_DIR = ROOT / "var" / "bench-mashang"
MARK = "bench:mashang"
SEED = 20261202

TARGET_PAGE_BYTES = 100 * 1024  # the issue: "under 100 KB per page before photos"
TARGET_PAGE_P95_MS = 200.0  # the list pages' target; a phone on 4G adds more than this
TARGET_PAGE_RATE = 50.0  # req/s, one server process: a city's QR scans peak far below
TARGET_POST_RATE = 10.0  # messages/s: the orders' figure; a city's citizens post far fewer
WARMUP = 50
COUNTIES = ("东湖区", "西山区", "南岭县", "北塘县")
TOWNSHIPS_PER_COUNTY = 10
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰辉建国红志文斌海燕飞鹏云峰波"
INTRODUCTION = (
    "长期在基层从事农业技术推广工作，关注农村道路、饮水安全和留守老人照料。"
    "欢迎乡亲们通过码上找代表反映身边的困难和建议，我会认真阅读每一条留言。"
)


# -- small helpers (tests/bench/test_mashang_bench.py) ---------------------------------------------


def mobiles(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct mobile numbers as a citizen types them (11 digits, 139…)."""
    seen: set[str] = set()
    out = []
    while len(out) < count:
        number = f"139{rng.randrange(10**8):08d}"
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


def address(n: int) -> str:
    """The ``n``-th citizen's address (10.0.0.0/8): each post comes from its own phone."""
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def message_body(*, code: str, phone: str, sms_code: str, n: int) -> bytes:
    """The JSON of ``POST /api/public/messages`` (issue 10's contract), a different text each."""
    return json.dumps(
        {
            "code": code,
            "phone": phone,
            "sms_code": sms_code,
            "content": f"第{n}号基准留言：村口道路坑洼积水，雨天学生上学不便，请代表帮忙反映。",
            "name": "",
            "anonymous": True,
            "consent": True,
        },
        ensure_ascii=False,
    ).encode()


DRIVE_TIMEOUT = 600  # seconds for one drive's requests, all clients together


def drive(port: int, jobs: list[tuple], clients: int) -> dict:
    """Send ``jobs`` (method, path, body or None[, headers]) from ``clients`` threads, each on its own
    keep-alive connection, every job once; the round trips (ms, in job order), the statuses, the
    answers' bodies, the wall time and the rate."""
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))
    times: list[float | None] = [None] * len(jobs)
    statuses: list[int | None] = [None] * len(jobs)
    bodies: list[bytes] = [b""] * len(jobs)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            method, path, body, *extra = jobs[i]
            sent = {**(headers if body else {}), **(extra[0] if extra else {})}
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=sent)
                response = conn.getresponse()
                bodies[i] = response.read()
                statuses[i] = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                statuses[i] = 0
            times[i] = (time.perf_counter() - started) * 1000
        conn.close()

    # Each request has its own 30 s timeout; the whole drive is bounded too (a server that
    # answers every request just under the timeout would otherwise hold the bench for hours).
    threads = [threading.Thread(target=client, daemon=True) for _ in range(max(1, clients))]
    began = time.perf_counter()
    deadline = began + DRIVE_TIMEOUT
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()))
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"{len(jobs):,} requests did not end within {DRIVE_TIMEOUT} s")
    wall = time.perf_counter() - began
    return {
        "times": times,
        "latency": percentiles([t for t in times if t is not None]),
        "statuses": Counter(statuses),
        "bodies": bodies,
        "wall": wall,
        "rate": len(jobs) / wall if wall else 0.0,
        "clients": clients,
        "count": len(jobs),
    }


def status_text(statuses: Counter) -> str:
    """``200 × 3,000`` or ``201 × 398, 429 × 2`` (0: no answer)."""
    return ", ".join(f"{code} × {n:,}" for code, n in sorted(statuses.items(), key=str))


# -- the registry ----------------------------------------------------------------------------------


def _tables() -> list[str]:
    from minyi.deputies.models import Congress, Deputy, LiaisonStation, Mandate
    from minyi.mashang.models import MashangCode, Message, MessageEvent, SmsCode

    models = (MessageEvent, Message, SmsCode, MashangCode, Mandate, Deputy, LiaisonStation)
    return [m._meta.db_table for m in (*models, Congress)]


def registry(deputies: int, *, reload: bool) -> dict:
    """The city's deputies with their seats, stations and codes, unless already there."""
    from django.db import transaction

    from bench.db import sql_exec, vacuum_analyze
    from minyi.core import clock
    from minyi.deputies.models import Congress, Deputy, LiaisonStation, Mandate
    from minyi.mashang.models import MashangCode
    from minyi.mashang.services.codes import new_code
    from minyi.reference.models import Region, RegionLevel

    stations = len(COUNTIES) * (TOWNSHIPS_PER_COUNTY + 1)
    have = (Deputy.objects.count(), MashangCode.objects.filter(is_active=True).count())
    if not reload and have == (deputies, deputies + stations):
        return {"loaded": False, "deputies": deputies, "stations": stations}
    started = time.perf_counter()
    rng = random.Random(SEED)
    now = clock.now()
    with transaction.atomic():
        sql_exec(f"TRUNCATE {', '.join(_tables())} RESTART IDENTITY CASCADE")
        city, _ = Region.objects.get_or_create(
            parent=None, name="基准市", defaults={"level": RegionLevel.CITY}
        )
        city_congress = Congress.objects.create(name="基准市人大", level="city", region=city)
        townships = []  # (congress, station, county congress, county station)
        for county_name in COUNTIES:
            county, _ = Region.objects.get_or_create(
                parent=city, name=county_name, defaults={"level": RegionLevel.COUNTY}
            )
            county_congress = Congress.objects.create(
                name=f"基准市{county_name}人大", level="county", region=county
            )
            county_station = LiaisonStation.objects.create(
                name=f"{county_name}人大代表联络站", region=county, address=f"基准市{county_name}"
            )
            for t in range(1, TOWNSHIPS_PER_COUNTY + 1):
                name = f"{county_name[:2]}第{t}镇"
                township, _ = Region.objects.get_or_create(
                    parent=county, name=name, defaults={"level": RegionLevel.TOWNSHIP}
                )
                congress = Congress.objects.create(
                    name=f"{county_name}{name}人大", level="township", region=township
                )
                station = LiaisonStation.objects.create(
                    name=f"{name}人大代表联络站", region=township, address=f"{county_name}{name}"
                )
                townships.append((congress, station, county_congress, county_station))
        people = Deputy.objects.bulk_create(
            Deputy(
                name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                introduction=INTRODUCTION,
            )
            for _ in range(deputies)
        )
        seats = []
        for person in people:
            congress, station, county_congress, county_station = rng.choice(townships)
            seats.append(
                Mandate(deputy=person, congress=congress, level="township", station=station)
            )
            if rng.random() < 0.3:
                seats.append(
                    Mandate(
                        deputy=person,
                        congress=county_congress,
                        level="county",
                        station=county_station,
                    )
                )
            if rng.random() < 0.05:
                seats.append(Mandate(deputy=person, congress=city_congress, level="city"))
        Mandate.objects.bulk_create(seats)
        owners = [{"deputy": p} for p in people]
        owners += [{"station": s} for s in LiaisonStation.objects.all()]
        codes: set[str] = set()
        while len(codes) < len(owners):
            codes.add(new_code())
        MashangCode.objects.bulk_create(
            MashangCode(code=code, created_at=now, **owner)
            for code, owner in zip(sorted(codes), owners, strict=True)
        )
    created = time.perf_counter() - started
    vacuum = vacuum_analyze(*_tables())
    return {
        "loaded": True,
        "deputies": deputies,
        "stations": stations,
        "mandates": len(seats),
        "seconds": created,
        "vacuum": vacuum,
    }


def deputy_codes() -> list[str]:
    from minyi.mashang.models import MashangCode

    return list(
        MashangCode.objects.filter(is_active=True, deputy__isnull=False)
        .order_by("id")
        .values_list("code", flat=True)
    )


# -- figure 2: the page ----------------------------------------------------------------------------


def page_sizes(server: Server, code: str) -> dict:
    """The bytes of the deputy's page, its QR (SVG) and the stylesheet the page links."""
    import re

    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)

    def get(path: str) -> tuple[int, bytes]:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()

    status, html = get(f"/m/{code}")
    svg_status, svg = get(f"/m/{code}/qr.svg")
    css = b""
    link = re.search(rb'<link rel="stylesheet" href="([^"]+)"', html)
    if link:
        _, css = get(link.group(1).decode())
    conn.close()
    return {
        "status": (status, svg_status),
        "html": len(html),
        "svg": len(svg),
        "css": len(css),
    }


def busiest_station() -> tuple[str, str, int]:
    """The code, name and deputy count of the station with the most deputies: its page, a list
    of them all, is the longest public page."""
    from django.db.models import Count, Q

    from minyi.deputies.models import LiaisonStation
    from minyi.mashang.models import MashangCode

    station = (
        LiaisonStation.objects.annotate(
            seated=Count("mandates__deputy", filter=Q(mandates__ended_on=None), distinct=True)
        )
        .order_by("-seated", "id")
        .first()
    )
    code = MashangCode.objects.get(station=station, is_active=True).code
    return code, station.name, station.seated


def station_page(server: Server) -> dict:
    code, name, seated = busiest_station()
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    conn.request("GET", f"/m/{code}")
    response = conn.getresponse()
    html = response.read()
    conn.close()
    return {"status": response.status, "html": len(html), "name": name, "deputies": seated}


def queries_per_page(code: str) -> int:
    """The SQL statements one ``GET /m/<code>`` runs (in this process, the test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    client.get(f"/m/{code}")  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/m/{code}")
    return len(queries) if response.status_code == 200 else -1


def page_figure(server: Server, codes: list[str], requests: int, clients: int) -> dict:
    rng = random.Random(SEED + 1)
    drive(server.port, [("GET", f"/m/{rng.choice(codes)}", None) for _ in range(WARMUP)], clients)
    cpu0 = server.cpu_seconds()
    result = drive(
        server.port, [("GET", f"/m/{rng.choice(codes)}", None) for _ in range(requests)], clients
    )
    cpu1 = server.cpu_seconds()
    result["cpu_ms"] = (cpu1 - cpu0) * 1000 / requests if None not in (cpu0, cpu1) else None
    result["loadavg"] = loadavg()
    return result


# -- figure 3: posting messages --------------------------------------------------------------------


def issue_codes(phones: list[str]) -> list[str]:
    """A valid SMS code for each phone, through the service (the outbox row included)."""
    from minyi.mashang.services.verification import sms_code_issue

    return [sms_code_issue(phone=phone).code for phone in phones]


def post_figure(server: Server, codes: list[str], count: int, clients: int, rng) -> dict:
    from minyi.mashang.models import Message

    phones = mobiles(rng, count)
    issued = time.perf_counter()
    sms_codes = issue_codes(phones)
    issued = time.perf_counter() - issued
    before = Message.objects.count()
    jobs = [
        (
            "POST",
            "/api/public/messages",
            message_body(code=rng.choice(codes), phone=phone, sms_code=sms, n=before + i),
            # as an app sends it (to retry safely), from the citizen's own address: uvicorn
            # takes X-Forwarded-For from the loopback, as from the proxy in production
            {"Idempotency-Key": str(uuid.uuid4()), "X-Forwarded-For": address(before + i)},
        )
        for i, (phone, sms) in enumerate(zip(phones, sms_codes, strict=True))
    ]
    result = drive(server.port, jobs, clients)
    tracked = 0
    for body in result["bodies"]:
        try:
            tracked += bool(json.loads(body).get("tracking_code"))
        except (ValueError, AttributeError):
            pass
    result["tracked"] = tracked
    result["rows"] = Message.objects.count() - before
    result["issue_s"] = issued
    errors = [b for b in result["bodies"] if b and b"tracking_code" not in b]
    result["first_error"] = errors[0][:300].decode(errors="replace") if errors else ""
    return result


def service_figure(codes: list[str], count: int, rng) -> dict:
    """``message_create`` in this process, one message after another: messages/s and the time
    of each (ms); the SMS codes issued first, outside the timing."""
    from minyi.mashang.models import MashangCode, Message
    from minyi.mashang.services.messages import message_create

    owners = {c.code: c for c in MashangCode.objects.filter(code__in=set(codes))}
    phones = mobiles(rng, count)
    sms_codes = issue_codes(phones)
    before = Message.objects.count()  # the texts differ from every earlier run's
    times, made = [], 0
    began = time.perf_counter()
    for i, (phone, sms) in enumerate(zip(phones, sms_codes, strict=True)):
        body = json.loads(message_body(code="", phone=phone, sms_code=sms, n=before + i))
        started = time.perf_counter()
        created = message_create(
            code=owners[rng.choice(codes)],
            deputy=None,
            phone=phone,
            sms_code=sms,
            content=body["content"],
            anonymous=True,
            consent=True,
            ip=address(before + i),
        )
        times.append((time.perf_counter() - started) * 1000)
        made += not created.folded
    wall = time.perf_counter() - began
    return {"count": count, "made": made, "rate": made / wall, "latency": percentiles(times)}


# -- report ----------------------------------------------------------------------------------------


def figure_rows(sizes, station, queries, page, posts, service) -> list[tuple[str, str, str, str]]:
    kb = 1024
    page_ok = page["statuses"] == Counter({200: page["count"]})
    rows = [
        (
            "2. deputy page /m/<code>: HTML; + QR SVG; stylesheet",
            f"{sizes['html'] / kb:.1f} KB; {(sizes['html'] + sizes['svg']) / kb:.1f} KB; "
            f"{sizes['css'] / kb:.1f} KB",
            f"< {TARGET_PAGE_BYTES // kb} KB",
            verdict(
                sizes["status"] == (200, 200)
                and sizes["html"] + sizes["svg"] + sizes["css"] < TARGET_PAGE_BYTES
            ),
        ),
        ("2. … SQL queries per page", str(queries), "—", "info"),
        (
            f"2. the busiest station's first page (of {station['deputies']:,} deputies, "
            "100 to a page): HTML",
            f"{station['html'] / kb:.1f} KB",
            f"< {TARGET_PAGE_BYTES // kb} KB",
            verdict(station["status"] == 200 and station["html"] < TARGET_PAGE_BYTES),
        ),
        (
            f"2. GET /m/<code>, {page['clients']} clients ({page['count']:,} req): req/s",
            f"{page['rate']:,.0f} req/s ({status_text(page['statuses'])})",
            f"≥ {TARGET_PAGE_RATE:g} req/s, all 200",
            verdict(page["rate"] >= TARGET_PAGE_RATE and page_ok),
        ),
        (
            "2. … round trip p50/p95/p99/max",
            fmt_ms(page["latency"]),
            f"p95 < {TARGET_PAGE_P95_MS:g} ms",
            verdict(page["latency"]["p95"] < TARGET_PAGE_P95_MS),
        ),
        (
            "2. … server process CPU per request",
            f"{page['cpu_ms']:.2f} ms" if page.get("cpu_ms") is not None else "?",
            "—",
            "info",
        ),
    ]
    for post in posts:
        ok = post["rows"] == post["count"] and post["tracked"] == post["count"]
        rows += [
            (
                f"3. POST /api/public/messages, {post['clients']} client"
                f"{'s' if post['clients'] > 1 else ''} ({post['count']:,} messages)",
                f"{post['rows'] / post['wall']:,.1f} messages/s ({status_text(post['statuses'])})",
                f"≥ {TARGET_POST_RATE:g}/s, all 201",
                verdict(ok and post["rows"] / post["wall"] >= TARGET_POST_RATE),
            ),
            ("3. … round trip p50/p95/p99/max", fmt_ms(post["latency"]), "—", "info"),
        ]
    rows.append(
        (
            f"3. message_create in process, 1 process ({service['count']:,} messages)",
            f"{service['rate']:,.1f} messages/s; each {fmt_ms(service['latency'])}",
            f"≥ {TARGET_POST_RATE:g}/s",
            verdict(service["made"] == service["count"] and service["rate"] >= TARGET_POST_RATE),
        )
    )
    return rows


def render(rows, mach, facts: dict) -> str:
    reg, sizes = facts["registry"], facts["sizes"]
    lines = [
        f"<!-- {MARK} -->",
        f"## 码上找代表 (issue 10): the deputy page and the message post rate, "
        f"{reg['deputies']:,} deputies{' (`--quick`)' if facts['quick'] else ''}",
        "",
        facts["stamp"].header(quick=facts["quick"]),
        "",
        f"By `bench/mashang.py{' --quick' if facts['quick'] else ''}`: uvicorn "
        f"{mach['uvicorn']} (one process, DEBUG off), all on the loopback; database "
        f"`{facts['db']}`; the whole run took {facts['total']:.0f} s.",
        "",
        "| figure | value | target | result |",
        "| --- | --- | --- | --- |",
    ]
    # in Markdown a bare <code> is an HTML tag
    lines += [
        f"| {a.replace('/m/<code>', '`/m/<code>`')} | {b} | {c} | {d} |" for a, b, c, d in rows
    ]
    before, after = facts["load"]
    lines += ["", "Notes:", ""]
    if before is not None and after is not None:
        lines.append(
            f"- 1-minute load average {before:.1f} when the run started and {after:.1f} at its "
            f"end; the clients (threads of one Python process), the server and PostgreSQL share "
            f"the same {mach['nproc']} CPUs, so the rates are a floor."
        )
    lines.append(
        f"- Registry: {reg['deputies']:,} deputies in one synthetic city (4 counties, 40 "
        f"townships, {reg['stations']} liaison stations), a township seat each, 30 % also a "
        "county seat, 5 % a city seat, a 70-character introduction, a code each."
    )
    lines.append(
        f"- Page: the HTML of one deputy's page is {sizes['html']:,} bytes, its QR "
        f"(`/m/<code>/qr.svg`) {sizes['svg']:,} bytes, the stylesheet {sizes['css']:,} bytes "
        "(cached after the first page). The clients ask for random deputies' pages, "
        f"{WARMUP} unmeasured first; each client is a thread with its own keep-alive connection "
        "and sends its next request when the last one is answered."
    )
    lines.append(
        "- Posts: each message comes from a new phone whose SMS code was issued just before by "
        "`sms_code_issue` in the bench's process (outside the timing; "
        f"{facts['issue_rate']:,.0f} codes/s, each with its outbox row). A post checks the code, "
        "creates the message, its event and its SMS to the citizen (outbox), and answers 201 "
        "with the tracking code; the app sends an `Idempotency-Key` with each. The limits are "
        "production's: each post comes from its own address (`X-Forwarded-For`, which uvicorn "
        "takes from the loopback as from a proxy) and goes to a random deputy. *In process*: "
        "`message_create` called directly in the bench's process (no HTTP, no JSON, no "
        "idempotency key)."
    )
    if facts.get("first_error"):
        lines.append(f"- First refused post: `{facts['first_error']}`.")
    lines += [f"<!-- /{MARK} -->", ""]
    return "\n".join(lines)


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer deputies and requests")
    parser.add_argument("--reload", action="store_true", help="create the registry again")
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--deputies", type=int, default=None, help="deputies (5,000)")
    parser.add_argument("--requests", type=int, default=None, help="page requests (3,000)")
    parser.add_argument("--messages", type=int, default=None, help="posts per figure (600)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--database-url", default=None, help="minyi_bench_mashang on 127.0.0.1")
    args = parser.parse_args(argv)
    quick = args.quick
    deputies = args.deputies or (500 if quick else 5_000)
    requests = args.requests or (600 if quick else 3_000)
    messages = args.messages or (120 if quick else 600)
    url = args.database_url or (QUICK_URL if quick else DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the 码上找代表 bench needs PostgreSQL, not {url!r}")

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
    # the server checks the codes this process issues: both hash them with the same key
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("MINYI_SMS_ALLOW_TEST_BACKEND", "1")

    from bench.db import ensure_database, setup_django

    db = ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    print(f"database {db}; {deputies:,} deputies", flush=True)
    print("[1] registry", flush=True)
    reg = registry(deputies, reload=args.reload)
    if reg["loaded"]:
        print(
            f"  {reg['deputies']:,} deputies, {reg['mandates']:,} seats, {reg['stations']} "
            f"stations and their codes in {reg['seconds']:.1f} s "
            f"(+ VACUUM ANALYZE {reg['vacuum']:.1f} s)"
        )
    else:
        print("  already there; --reload to create it again")
    call_command("collectstatic", interactive=False, verbosity=0)
    codes = deputy_codes()
    queries = queries_per_page(codes[0])

    server = Server(server_env(VAR_DIR), VAR_DIR)
    try:
        print("[2] the deputy page", flush=True)
        sizes = page_sizes(server, codes[0])
        print(
            f"  /m/<code>: HTML {sizes['html']:,} B, qr.svg {sizes['svg']:,} B, "
            f"css {sizes['css']:,} B (status {sizes['status']}); {queries} SQL queries"
        )
        station = station_page(server)
        print(
            f"  the busiest station's page ({station['name']}, {station['deputies']:,} deputies): "
            f"HTML {station['html']:,} B (status {station['status']})"
        )
        page = page_figure(server, codes, requests, args.clients)
        print(
            f"  {page['count']:,} GETs by {page['clients']} clients: {page['rate']:,.0f} req/s, "
            f"{fmt_ms(page['latency'])} ({status_text(page['statuses'])})",
            flush=True,
        )
        print("[3] posting messages", flush=True)
        # new numbers each run: a number gets one SMS code a minute and a few an hour
        rng = random.Random(time.time_ns())
        posts = []
        for clients in sorted({1, args.clients}):
            post = post_figure(server, codes, messages, clients, rng)
            posts.append(post)
            print(
                f"  {post['count']:,} posts by {clients} client(s): "
                f"{post['rows'] / post['wall']:,.1f} messages/s, {fmt_ms(post['latency'])} "
                f"({status_text(post['statuses'])}); codes issued at "
                f"{post['count'] / post['issue_s']:,.0f}/s",
                flush=True,
            )
            if post["first_error"]:
                print(f"  first refused post: {post['first_error']}")
    finally:
        server.stop()
    service = service_figure(codes, messages, rng)
    print(
        f"  message_create in this process, {service['count']:,} messages: "
        f"{service['rate']:,.1f} messages/s, each {fmt_ms(service['latency'])}",
        flush=True,
    )

    rows = figure_rows(sizes, station, queries, page, posts, service)
    total = time.perf_counter() - began
    print_table(rows)
    print(f"\nwhole 码上找代表 bench: {total:.0f} s")
    if not args.no_results:
        facts = {
            "registry": reg,
            "sizes": sizes,
            "quick": quick,
            "db": db,
            "total": total,
            "load": (load_before, loadavg()),
            "stamp": stamp,
            "issue_rate": sum(p["count"] for p in posts) / sum(p["issue_s"] for p in posts),
            "first_error": next((p["first_error"] for p in posts if p["first_error"]), ""),
        }
        from bench.report import RESULTS, write_section

        write_section(MARK, render(rows, machine(), facts))
        print(f"figures written to {RESULTS.relative_to(ROOT)} ({MARK})")
    return 0 if all(r[3] != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    from bench.child import guarded

    sys.exit(guarded(main))
