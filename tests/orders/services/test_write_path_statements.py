"""The write path's statement budget (issue 13): a call recorded as an accepted order and dispatched
to a lead and an assisting department, through the services, as bench/services.py does. The
lists are pinned so that a statement added to the path shows here (caches warm: the second
order; SQLite and PostgreSQL alike)."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from minyi.core import clock
from minyi.orders.models import Channel
from minyi.orders.services.dispatch import order_dispatch
from minyi.orders.services.intake import order_create
from tests.factories import MONDAY, DepartmentFactory, request_type

pytestmark = pytest.mark.django_db

CREATE = [
    "INSERT orders_dailycounter",  # the number: INSERT … ON CONFLICT DO UPDATE … RETURNING
    "INSERT orders_workorder",  # inserted accepted, its dispatch clock running
    "INSERT orders_orderevent",  # created + accepted, one statement
    "INSERT ledger_ledgerrow",  # the row folded from both events
    "INSERT notify_outboxmessage",  # 受理 SMS to the requester
]
DISPATCH = [
    "INSERT orders_assignment",  # lead and assisting, one statement
    "UPDATE orders_workorder",
    "INSERT orders_orderevent",
    "UPDATE ledger_ledgerrow",
]
LOCK = ["SELECT orders_workorder"]  # SELECT … FOR UPDATE, in a transaction of its own


def _statements(captured) -> list[str]:
    """``VERB table`` per statement, savepoints left out (their number depends on the caller's
    nesting: two per service called inside an outer transaction)."""
    out = []
    for query in captured:
        sql = query["sql"]
        if re.match(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", sql):
            continue
        verb = sql.split(None, 1)[0].upper()
        table = re.search(r'(?:INTO|UPDATE|FROM)\s+"?(\w+)"?', sql)
        out.append(f"{verb} {table.group(1) if table else '?'}")
    return out


@pytest.fixture
def departments():
    return DepartmentFactory(name="市城市管理和综合执法局"), DepartmentFactory(
        name="市住房和城乡建设局"
    )


def _record(n: int):
    return order_create(
        channel=Channel.CITIZEN_CALL,
        request_type=COMPLAINT[0],
        title=f"路灯不亮 {n}",
        content="小区门口的路灯坏了一周。",
        requester_name="李群众",
        requester_phone="+8613800138000",
        address="雁峰区某街道",
        accept=True,
    )


COMPLAINT: list = []  # the request type, read once (a form has it already)


def _warm(departments) -> None:
    """The first order reads the time-limit rules, the templates and the calendar once."""
    COMPLAINT[:] = [request_type("complain")]
    order = _record(0)
    order_dispatch(order=order, lead=departments[0], assisting=[departments[1]])


def test_create_accept_and_dispatch_in_one_transaction_take_nine_statements(departments):
    lead, assisting = departments
    with clock.frozen(MONDAY):
        _warm(departments)
        with CaptureQueriesContext(connection) as create:
            order = _record(1)
        with CaptureQueriesContext(connection) as dispatch:
            order_dispatch(order=order, lead=lead, assisting=[assisting])

    assert _statements(create) == CREATE
    assert _statements(dispatch) == DISPATCH  # no re-lock of the order created just before


def test_dispatch_in_a_later_transaction_locks_the_order_first(
    departments, django_capture_on_commit_callbacks
):
    lead, assisting = departments
    with clock.frozen(MONDAY):
        _warm(departments)
        with django_capture_on_commit_callbacks(execute=True):  # as if it had committed
            with transaction.atomic():
                order = _record(1)
        with CaptureQueriesContext(connection) as dispatch:
            order_dispatch(order=order, lead=lead, assisting=[assisting])

    assert _statements(dispatch) == LOCK + DISPATCH


def test_the_statements_are_printed_for_the_bench_readme(departments, capsys):
    """Not an assertion: ``pytest -s`` shows the SQL of one warm create + dispatch."""
    with clock.frozen(MONDAY):
        _warm(departments)
        with CaptureQueriesContext(connection) as both:
            order = _record(1)
            order_dispatch(order=order, lead=departments[0], assisting=[departments[1]])
    for number, query in enumerate(both.captured_queries, 1):
        print(f"{number:2} {query['sql'][:150]}")
    assert len(_statements(both)) == len(CREATE + DISPATCH)


def test_only_the_first_service_after_the_creation_skips_the_lock(departments):
    from minyi.orders.services.intake import order_reject
    from tests.factories import scope_reason

    with clock.frozen(MONDAY):
        _warm(departments)
        order = _record(1)
        reason = scope_reason("duplicate")
        with CaptureQueriesContext(connection) as first:
            order_dispatch(order=order, lead=departments[0])
        with CaptureQueriesContext(connection) as second:
            with pytest.raises(Exception, match="不予受理"):
                order_reject(order=order, reason=reason)

    assert "SELECT orders_workorder" not in _statements(first)
    assert _statements(second)[0] == "SELECT orders_workorder"  # locked and read again


def test_the_ledger_row_written_with_the_events_is_the_row_folded_from_the_log(departments):
    from minyi.ledger.facts import rows_rebuild
    from minyi.ledger.models import LedgerRow

    with clock.frozen(MONDAY):
        _warm(departments)
        order = _record(1)
        order_dispatch(order=order, lead=departments[0], assisting=[departments[1]])
    written = LedgerRow.objects.filter(order=order).values().get()

    rows_rebuild([order.pk])

    assert LedgerRow.objects.filter(order=order).values().get() == written
