"""The intake decision: 受理 or 不予受理 is decided when the order is recorded, in one
transaction, and the requester hears it once (韶山: "第一时间告知人大代表理由及依据")."""

from __future__ import annotations

import pytest

from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, DailyCounter, EventKind, Status, WorkOrder
from minyi.orders.services.intake import ACCEPT, REJECT, order_decide, order_intake
from tests.factories import events, make_order, refused, request_type, scope_reason

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_monday")]


def intake(**kwargs) -> WorkOrder:
    kwargs.setdefault("channel", Channel.DEPUTY_CALL)
    kwargs.setdefault("request_type", request_type("complain"))
    kwargs.setdefault("title", "部队营区外墙施工扰民")
    kwargs.setdefault("content", "营区外墙夜间施工。")
    return order_intake(**kwargs)


def test_an_out_of_scope_matter_is_recorded_as_rejected_and_never_accepted(olivia, deputy):
    reason = scope_reason("military")

    order = intake(deputy=deputy, decision=REJECT, reason=reason, actor=olivia)

    assert order.status == Status.REJECTED
    assert (order.reject_reason, order.reject_basis) == (reason, reason.basis)
    assert [e.kind for e in events(order)] == [EventKind.CREATED, EventKind.REJECTED]
    assert order.accepted_at is None
    [message] = OutboxMessage.objects.filter(order=order)
    assert message.template_code == "order_rejected"


def test_an_accepted_matter_is_told_once_that_it_was_accepted(olivia, deputy):
    order = intake(deputy=deputy, decision=ACCEPT, actor=olivia)

    assert order.status == Status.ACCEPTED
    codes = list(OutboxMessage.objects.filter(order=order).values_list("template_code", flat=True))
    assert codes == ["order_accepted"]


@pytest.mark.parametrize(
    "kwargs, message",
    [({"decision": REJECT}, "理由"), ({"decision": "maybe"}, "受理或不予受理"), ({}, "受理或")],
)
def test_an_intake_without_a_valid_decision_saves_nothing_and_uses_no_number(
    olivia, deputy, kwargs, message
):
    with pytest.raises(ValidationFailed, match=message):
        intake(deputy=deputy, actor=olivia, **kwargs)

    assert not WorkOrder.objects.exists()
    assert not DailyCounter.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_draft_is_decided_by_the_same_service(dan):
    draft = make_order("draft")

    decided = order_decide(order=draft, decision=REJECT, reason=scope_reason("vague"), actor=dan)

    assert decided.status == Status.REJECTED


@pytest.mark.parametrize("state", ["accepted", "rejected"])
def test_only_a_draft_waits_for_the_intake_decision(state, dan):
    order = make_order(state)

    with refused(InvalidTransition, order):
        order_decide(order=order, decision=REJECT, reason=scope_reason("vague"), actor=dan)
