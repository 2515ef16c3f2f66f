"""Two people acting at the same moment, each on their own database connection (PostgreSQL row
locks). On SQLite these are skipped by the conftest hook: SQLite serialises writers anyway."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.orders.models import Channel, EventKind, OrderEvent
from minyi.orders.services.dispatch import assignment_sign
from minyi.orders.services.intake import order_create
from tests.factories import HandlerFactory, at, lead_of, make_order, request_type

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MONDAY = at(2026, 3, 2, 10)


def run_together(*targets: Callable[[], object]) -> list[tuple[str, object]]:
    """Start one thread per target, release them at once, return ("ok"|"error", value) each."""
    barrier = threading.Barrier(len(targets))
    results: list[tuple[str, object] | None] = [None] * len(targets)

    def worker(index: int, target: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            with clock.frozen(MONDAY):
                results[index] = ("ok", target())
        except Exception as exc:  # collected and asserted by the test
            results[index] = ("error", exc)
        finally:
            connection.close()  # each thread has its own connection; do not leak it

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def test_two_handlers_signing_the_same_part_at_once_sign_it_once(dan):
    order = make_order("dispatched", at=MONDAY, dispatcher=dan)
    assignment = lead_of(order)
    first = HandlerFactory(username="hana", department=assignment.department)
    second = HandlerFactory(username="hank", department=assignment.department)

    results = run_together(
        lambda: assignment_sign(assignment=assignment, actor=first),
        lambda: assignment_sign(assignment=assignment, actor=second),
    )

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, InvalidTransition)
    assert OrderEvent.objects.filter(order=order, kind=EventKind.SIGNED).count() == 1
    assignment.refresh_from_db()
    assert assignment.signed_by in (first, second)


def test_two_operators_recording_at_once_get_consecutive_numbers():
    def record():
        return order_create(
            channel=Channel.CITIZEN_CALL,
            request_type=request_type("consult"),
            title="社保转移",
            content="如何办理社保关系转移？",
            requester_name="李群众",
        ).number

    results = run_together(record, record)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sorted(number for _, number in results) == [
        "12345-20260302-000001",
        "12345-20260302-000002",
    ]


def test_two_sla_scans_at_once_mark_each_order_once(dan, hana):
    from minyi.orders.models import Warning, WorkOrder
    from minyi.orders.services.sla import sla_scan

    overdue = [make_order("signed", at=MONDAY, handler=hana) for _ in range(4)]  # due 9 March
    due_soon = [make_order("signed", at=at(2026, 3, 6, 10), handler=hana) for _ in range(3)]
    now = at(2026, 3, 13, 9)  # overdue ones red; the others (due 13 March, 23:59:59) yellow

    # each scan runs outside a transaction, so it also runs its two passes on two connections
    results = run_together(lambda: sla_scan(now=now, batch=2), lambda: sla_scan(now=now, batch=2))

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert sum(r.red for _, r in results) == 4
    assert sum(r.yellow for _, r in results) == 3
    warnings = dict(WorkOrder.objects.values_list("pk", "warning"))
    assert {warnings[o.pk] for o in overdue} == {Warning.RED}
    assert {warnings[o.pk] for o in due_soon} == {Warning.YELLOW}
    marks = OrderEvent.objects.filter(kind=EventKind.WARNING, at=now)
    assert sorted(marks.values_list("order_id", flat=True)) == sorted(
        o.pk for o in overdue + due_soon
    )
