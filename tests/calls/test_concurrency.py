"""Two deliveries of the first event of one call at the same moment: one log, one change."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from minyi.calls.models import CallEvent, CallLog
from minyi.calls.services import call_event_receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_ring_delivered_twice_at_once_makes_one_log(zhang):
    barrier = threading.Barrier(4)
    errors = []

    def deliver():
        try:
            barrier.wait()
            call_event_receive(event="ring", call_id="c-race", caller="13800138000")
        except Exception as error:  # collected: an exception in a thread would be lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CallLog.objects.filter(call_id="c-race").count() == 1
    assert sorted(CallEvent.objects.values_list("duplicate", flat=True)) == [
        False,
        True,
        True,
        True,
    ]
