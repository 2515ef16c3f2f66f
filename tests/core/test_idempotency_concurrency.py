"""Two identical POSTs at the same moment make one order (PostgreSQL, threads): the second
insert of the same key waits for the first transaction, then answers with its result."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from minyi.core.idempotency import perform_once
from minyi.core.models import IdempotencyKey
from minyi.notify.models import OutboxMessage
from minyi.orders.models import EventKind, WorkOrder
from tests.factories import console_intake
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KEY = "5d2f9a61-7c1e-4f0b-8e3a-2b6c9d4e1f70"


def test_four_identical_intakes_posted_at_once_make_one_order_and_one_sms(olivia):
    form = console_intake(KEY)
    clients = [Client() for _ in range(4)]
    for client in clients:
        client.force_login(olivia)

    results = run_together(*[lambda c=c: c.post("/console/intake/", form) for c in clients])

    assert [kind for kind, _ in results] == ["ok"] * 4, results
    order = WorkOrder.objects.get()
    assert {response["Location"] for _, response in results} == {f"/console/orders/{order.number}/"}
    assert order.events.filter(kind=EventKind.ACCEPTED).count() == 1
    assert OutboxMessage.objects.filter(order=order).count() == 1


def test_a_repeat_arriving_mid_way_waits_for_the_first_and_gets_its_result(olivia):
    inside = threading.Event()
    runs = []

    def slow() -> dict:
        runs.append("slow")
        inside.set()
        time.sleep(0.5)  # the repeat arrives while this transaction is still open
        return {"message": "first"}

    def first():
        try:
            return perform_once(key=KEY, actor=olivia, scope="test", perform=slow)
        finally:
            connection.close()

    def repeat():
        inside.wait(timeout=10)
        try:
            return perform_once(
                key=KEY, actor=olivia, scope="test", perform=lambda: runs.append("again") or {}
            )
        finally:
            connection.close()

    outcomes = {}
    threads = [
        threading.Thread(target=lambda: outcomes.__setitem__("first", first())),
        threading.Thread(target=lambda: outcomes.__setitem__("repeat", repeat())),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert runs == ["slow"]
    assert outcomes["first"].repeated is False
    assert (outcomes["repeat"].result, outcomes["repeat"].repeated) == ({"message": "first"}, True)
    assert IdempotencyKey.objects.get().result == {"message": "first"}
