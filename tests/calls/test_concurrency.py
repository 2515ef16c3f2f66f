"""Two deliveries of the first event of one call at the same moment: one log, one change."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from minyi.calls.models import CallEvent, CallLog
from minyi.calls.services import call_event_receive

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def deliver_at_once(*events: str, call_id: str) -> list[Exception]:
    """Each event in a thread of its own, released together; the errors they raised."""
    barrier = threading.Barrier(len(events))
    errors = []

    def deliver(event):
        try:
            barrier.wait()
            call_event_receive(event=event, call_id=call_id, caller="13800138000")
        except Exception as error:  # collected: an exception in a thread would be lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_a_ring_delivered_twice_at_once_makes_one_log(zhang):
    assert deliver_at_once("ring", "ring", "ring", "ring", call_id="c-race") == []
    assert CallLog.objects.filter(call_id="c-race").count() == 1
    assert sorted(CallEvent.objects.values_list("duplicate", flat=True)) == [
        False,
        True,
        True,
        True,
    ]


def test_a_ring_and_an_answer_arriving_together_make_one_answered_call(zhang):
    assert deliver_at_once("ring", "answer", "hangup", call_id="c-cross") == []
    call = CallLog.objects.get(call_id="c-cross")
    assert call.status == "ended"
    assert call.deputy_id == zhang.pk
    assert call.rang_at and call.answered_at and call.ended_at
    assert list(CallEvent.objects.filter(call=call, duplicate=True)) == []
    assert CallEvent.objects.filter(call=call).count() == 3
