"""Figure 1 (create and dispatch through the services) and figure 4 (deadline arithmetic)."""

from __future__ import annotations

import multiprocessing
import random
import time
from datetime import datetime, timedelta

from bench.data import NAMES, TITLES, TYPE_WEIGHTS, connections_close_for_fork, fixtures
from bench.load import remove_service_orders

# -- figure 4: deadline arithmetic ---------------------------------------------------------------


def deadline_figures(count: int) -> dict:
    from minyi.workdays.calendar import SHANGHAI, get_calendar

    rng = random.Random(4)
    base = datetime(2025, 1, 1, tzinfo=SHANGHAI)
    span = int((datetime(2028, 1, 1, tzinfo=SHANGHAI) - base).total_seconds())
    starts = [base + timedelta(seconds=rng.randrange(span)) for _ in range(count)]
    get_calendar()  # load the snapshot outside the timing
    out = {}
    for label, amount, unit in (
        ("5 working days", 5, "working_days"),
        ("24 working hours", 24, "working_hours"),
    ):
        t = time.perf_counter()
        for start in starts:
            get_calendar().due(start, amount, unit)
        out[label] = count / (time.perf_counter() - t)
        print(f"  due(start, {amount}, {unit!r}): {out[label]:,.0f}/s")
    return out


# -- figure 1: through the services --------------------------------------------------------------


def _service_orders(count: int, seed: int, fx=None) -> tuple[int, float]:
    """``count`` orders recorded, accepted and dispatched, each in one transaction: the services
    keep their own atomic blocks (savepoints inside this one), the order is numbered, inserted
    accepted and dispatched with one commit, and the dispatch does not lock again the order the
    same transaction created (minyi/orders/services/created.py)."""
    from django.db import transaction

    from minyi.orders.services.dispatch import order_dispatch
    from minyi.orders.services.intake import order_create

    fx = fx or fixtures()
    rng = random.Random(seed)
    types = [fx.request_types[c] for c, _ in TYPE_WEIGHTS]
    weights = [w for _, w in TYPE_WEIGHTS]
    started = time.perf_counter()
    for _ in range(count):
        title = rng.choice(TITLES)
        with transaction.atomic():
            order = order_create(
                channel="citizen_call",
                request_type=rng.choices(types, weights)[0],
                title=title,
                content=f"{title}，请相关部门尽快处理。",
                requester_name=rng.choice(NAMES),
                requester_phone=f"+86138{rng.randrange(10**8):08d}",
                address="基准市雁峰区某街道",
                accept=True,
            )
            lead, assist = rng.sample(fx.departments, 2)
            order_dispatch(order=order, lead=lead, assisting=[assist])
    return count, time.perf_counter() - started


def statements_per_order() -> list[str]:
    """The SQL of one warm order (after the warm-up: the reference data is in memory), the
    commit's task included; BEGIN and COMMIT appear where the driver logs them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fx = fixtures()  # the bench's reference rows, read before
    with CaptureQueriesContext(connection) as captured:
        _service_orders(1, 3, fx)
    return [query["sql"] for query in captured.captured_queries]


BARRIER_TIMEOUT = 120  # seconds a process waits for the others to be ready
RUN_TIMEOUT = 600  # seconds the parent waits for the workers' results


def _worker(count: int, seed: int, barrier, results) -> None:
    """One service process: its own connection, warmed up, then ``count`` orders after the
    barrier. Whatever goes wrong is reported on ``results`` (and breaks the barrier), so the
    parent never waits for a process that died."""
    import traceback

    try:
        _django_ready()
        _service_orders(5, seed + 1000)  # warm up: connection, calendar, caches
        barrier.wait(timeout=BARRIER_TIMEOUT)
        results.put(_service_orders(count, seed))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails loudly
        barrier.abort()
        results.put(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        from django.db import connections

        connections.close_all()


def _django_ready() -> None:
    """Set Django up in a spawned process (the parent's environment names the database)."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _parallel(sample: int, workers: int) -> tuple[float | None, str]:
    """Orders per second with ``workers`` processes, or ``(None, why)`` when a worker failed
    or a wait timed out; every wait is bounded."""
    import queue
    import threading

    # Fresh processes ("spawn"): nothing of the parent's connections, pool or threads is
    # inherited (a forked child once shared the pool's socket and died mid-figure).
    connections_close_for_fork()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    per = sample // workers
    procs = [
        ctx.Process(target=_worker, args=(per, 100 + k, barrier, results), daemon=True)
        for k in range(workers)
    ]
    for p in procs:
        p.start()
    why = ""
    finished = []
    try:
        barrier.wait(timeout=BARRIER_TIMEOUT)
    except threading.BrokenBarrierError:
        why = f"the workers were not ready within {BARRIER_TIMEOUT} s (one failed or hung)"
    started = time.perf_counter()
    deadline = started + RUN_TIMEOUT
    while len(finished) < len(procs):
        try:
            item = results.get(timeout=max(0.1, deadline - time.perf_counter()))
        except queue.Empty:
            why = why or f"no result within {RUN_TIMEOUT} s"
            break
        if item[0] == "error":
            why = "a service worker failed: " + item[1].strip().splitlines()[0]
            print(item[1], flush=True)
            break
        finished.append(item)
    wall = time.perf_counter() - started
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.terminate()
            p.join(timeout=10)
    if not why and any(p.exitcode for p in procs):
        why = "a service worker exited with " + ", ".join(str(p.exitcode) for p in procs)
    if why:
        print(f"  {workers} processes: FAILED: {why}", flush=True)
        return None, why
    total = sum(n for n, _ in finished)
    print(f"  {workers} processes: {total:,} orders in {wall:.2f} s = {total / wall:,.0f} orders/s")
    return total / wall, ""


def service_figures(sample: int, workers: int) -> dict:
    out = {}
    _service_orders(20, 1)  # warm up
    statements = statements_per_order()
    out["statements"] = len(statements)
    print(f"  {len(statements)} statements per order:")
    for number, sql in enumerate(statements, 1):
        print(f"    {number:2} {sql[:100]}")
    done, seconds = _service_orders(sample, 2)
    out[1] = done / seconds
    print(f"  1 process:  {done:,} orders in {seconds:.2f} s = {out[1]:,.0f} orders/s")
    if workers > 1:
        out[workers], why = _parallel(sample, workers)
        if why:
            out["failed"] = why
    removed = remove_service_orders()
    print(f"  removed the {removed:,} service-created orders")
    return out
