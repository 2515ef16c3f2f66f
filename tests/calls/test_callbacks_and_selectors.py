"""Callback to-dos, linking the work order, and what the console reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.calls.models import CallEvent, CallEventKind, CallStatus
from minyi.calls.selectors import calls_today, deputy_recent_orders, missed_deputy_calls_open
from minyi.calls.services import call_event_receive, call_link_order, missed_call_resolve
from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.orders.models import Channel
from tests.factories import MONDAY, AgentMappingFactory, UserFactory, at, make_order

pytestmark = pytest.mark.django_db


def call(call_id="c-1", caller="13800138000", *events, when=MONDAY, agent=""):
    result = None
    for offset, event in enumerate(events or ("ring",)):
        result = call_event_receive(
            event=event,
            call_id=call_id,
            caller=caller,
            called="12345",
            agent=agent,
            at=when + timedelta(seconds=10 * offset),
        )
    return result


def test_a_missed_deputy_call_is_open_until_someone_calls_back(zhang, olivia):
    missed = call("c-1", "13800138000", "ring", "hangup")
    call("c-2", "13900000000", "ring", "hangup")  # a citizen: not a deputy to-do
    call("c-3", "13800138000", "ring", "answer", "hangup")  # answered: nothing to do
    assert list(missed_deputy_calls_open()) == [missed]

    with clock.frozen(MONDAY + timedelta(minutes=5)):
        resolved = missed_call_resolve(call=missed, actor=olivia, note="已回拨，代表稍后来电")
    assert resolved.callback_done_by == olivia
    assert resolved.callback_done_at == MONDAY + timedelta(minutes=5)
    assert resolved.callback_note == "已回拨，代表稍后来电"
    assert list(missed_deputy_calls_open()) == []
    assert CallEvent.objects.filter(call=missed, event=CallEventKind.CALLBACK_DONE).count() == 1


def test_a_callback_cannot_be_recorded_twice(zhang, olivia):
    missed = call("c-1", "13800138000", "ring", "hangup")
    missed_call_resolve(call=missed, actor=olivia)
    with pytest.raises(InvalidTransition, match="已于"):
        missed_call_resolve(call=missed, actor=olivia)


def test_only_a_missed_call_can_be_called_back(zhang, olivia):
    ringing = call("c-1", "13800138000", "ring")
    with pytest.raises(InvalidTransition, match="正在振铃"):
        missed_call_resolve(call=ringing, actor=olivia)


def test_the_work_order_made_from_a_call_is_linked_once(zhang, olivia):
    ringing = call("c-1", "13800138000", "ring", "answer")
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhang, operator=olivia)
    linked = call_link_order(call=ringing, order=order, actor=olivia)
    assert linked.order == order
    assert call_link_order(call=ringing, order=order, actor=olivia).order == order  # again: no-op
    other = make_order("accepted", operator=olivia)
    with pytest.raises(InvalidTransition, match="已关联工单"):
        call_link_order(call=ringing, order=other, actor=olivia)
    assert CallEvent.objects.filter(event=CallEventKind.ORDER_LINKED).count() == 1


def test_todays_calls_are_the_shanghai_day_newest_first(zhang, olivia):
    AgentMappingFactory(extension="8001", user=olivia)
    AgentMappingFactory(extension="8002", user=UserFactory(username="oscar", role="operator"))
    early = call("c-1", "13800138000", when=at(2026, 3, 2, 0, 5), agent="8001")
    late = call("c-2", "13900000000", when=at(2026, 3, 2, 23, 50))
    call("c-3", "13700000000", when=at(2026, 3, 2, 9), agent="8002")  # oscar's
    call("c-0", "13900000000", when=at(2026, 3, 1, 23, 59))  # yesterday in Beijing
    with clock.frozen(at(2026, 3, 2, 12)):
        assert [c.call_id for c in calls_today()] == ["c-2", "c-3", "c-1"]
        # an operator sees their own calls and the ones offered to every operator
        assert list(calls_today(user=olivia)) == [late, early]


def test_a_deputys_recent_orders_are_newest_first_and_limited(zhang, olivia):
    orders = [
        make_order("accepted", at=MONDAY + timedelta(hours=h), deputy=zhang, operator=olivia)
        for h in range(3)
    ]
    make_order("accepted", operator=olivia)  # someone else's
    assert deputy_recent_orders(zhang, limit=2) == [orders[2], orders[1]]


def test_the_status_labels_are_chinese():
    assert [label for _, label in CallStatus.choices] == ["正在振铃", "已接听", "已结束", "未接"]
