"""The event log is the ledger: rows are appended, never edited or deleted (DESIGN §3)."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.models import EventKind, OrderEvent
from tests.factories import at, events, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(olivia):
    with clock.frozen(at(2026, 3, 2, 10)):
        return make_order("accepted", operator=olivia)


def test_every_step_of_the_order_is_in_its_ledger(order, olivia):
    assert [(e.kind, e.from_status, e.to_status, e.actor) for e in events(order)] == [
        (EventKind.CREATED, "", "draft", olivia),
        (EventKind.ACCEPTED, "draft", "accepted", olivia),
    ]


def test_an_event_cannot_be_saved_again(order):
    event = events(order)[0]
    event.note = "改写历史"

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    assert OrderEvent.objects.get(pk=event.pk).note == ""


def test_events_cannot_be_updated_in_bulk(order):
    with pytest.raises(TypeError, match="append-only"):
        OrderEvent.objects.filter(order=order).update(note="改写历史")

    assert {e.note for e in events(order)} == {""}


def test_events_cannot_be_deleted_in_bulk(order):
    with pytest.raises(TypeError, match="append-only"):
        OrderEvent.objects.filter(order=order).delete()

    assert len(events(order)) == 2


def test_an_event_cannot_be_deleted_one_by_one(order):
    event = events(order)[0]

    with pytest.raises(TypeError, match="append-only"):
        event.delete()

    assert len(events(order)) == 2
