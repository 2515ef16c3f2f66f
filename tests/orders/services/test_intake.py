"""Intake: Olivia records a call; the order is accepted, rejected as out of scope, or answered
directly by the hotline (DESIGN §3, §5)."""

from __future__ import annotations

import pytest

from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import (
    Channel,
    DailyCounter,
    EventKind,
    OrderEvent,
    Reply,
    Satisfaction,
    Solved,
    Status,
    WorkOrder,
)
from minyi.orders.services.intake import (
    order_accept,
    order_create,
    order_direct_answer,
    order_reject,
)
from tests.factories import (
    MONDAY,
    events,
    last_event,
    make_order,
    refused,
    request_type,
    scope_reason,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_monday")]


def create(**kwargs) -> WorkOrder:
    kwargs.setdefault("channel", Channel.CITIZEN_CALL)
    kwargs.setdefault("request_type", request_type("complain"))
    kwargs.setdefault("title", "夜间施工噪音")
    kwargs.setdefault("content", "工地每晚十一点后仍在施工。")
    kwargs.setdefault("requester_name", "李群众")
    return order_create(**kwargs)


# -- recording ----------------------------------------------------------------------------------


def test_olivia_records_a_draft_order_with_a_number_and_a_created_event(olivia):
    order = create(actor=olivia)

    assert order.status == Status.DRAFT
    assert order.number == "12345-20260302-000001"
    assert order.created_by == olivia
    assert order.created_at == MONDAY
    [event] = events(order)
    assert event.kind == EventKind.CREATED
    assert (event.from_status, event.to_status) == ("", Status.DRAFT)
    assert event.actor == olivia and event.at == MONDAY
    assert event.data == {"channel": Channel.CITIZEN_CALL}


def test_recording_with_accept_accepts_it_in_one_step(olivia):
    order = create(actor=olivia, accept=True)

    assert order.status == Status.ACCEPTED
    assert [e.kind for e in events(order)] == [EventKind.CREATED, EventKind.ACCEPTED]


def test_a_deputy_call_takes_the_deputy_as_the_requester(olivia, deputy):
    order = create(channel=Channel.DEPUTY_CALL, deputy=deputy, requester_name="", actor=olivia)

    assert order.deputy == deputy
    assert order.requester_name == "王代表"


def test_a_report_keeps_the_reporter_identity_from_the_department(olivia):
    order = create(request_type=request_type("report"), actor=olivia)

    assert order.protect_identity is True
    assert create(actor=olivia).protect_identity is False


def test_an_anonymous_caller_needs_no_name(olivia):
    order = create(requester_name="", is_anonymous=True, actor=olivia)

    assert order.is_anonymous and order.requester_name == ""


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"channel": Channel.DEPUTY_CALL}, "代表"),
        ({"requester_name": "  "}, "姓名"),
        ({"title": " "}, "标题"),
        ({"content": ""}, "诉求内容"),
        ({"channel": "fax"}, "渠道"),
        ({"urgency": "asap"}, "紧急程度"),
        ({"complexity": "hard"}, "复杂程度"),
    ],
)
def test_an_incomplete_order_is_refused_and_uses_no_number(olivia, kwargs, message):
    with pytest.raises(ValidationFailed, match=message):
        create(actor=olivia, **kwargs)

    assert not WorkOrder.objects.exists()
    assert not OrderEvent.objects.exists()
    assert not DailyCounter.objects.exists()


# -- accept -------------------------------------------------------------------------------------


def test_olivia_accepts_a_draft(olivia):
    order = make_order("draft", operator=olivia)

    accepted = order_accept(order=order, actor=olivia)

    assert accepted.status == Status.ACCEPTED
    assert accepted.accepted_at == MONDAY
    event = last_event(order)
    assert event.kind == EventKind.ACCEPTED
    assert (event.from_status, event.to_status) == (Status.DRAFT, Status.ACCEPTED)
    assert event.actor == olivia


@pytest.mark.parametrize(
    "state", ["accepted", "rejected", "dispatched", "signed", "callback", "archived", "merged"]
)
def test_only_a_draft_can_be_accepted(state, olivia):
    order = make_order(state)

    with refused(InvalidTransition, order, match="不能受理"):
        order_accept(order=order, actor=olivia)


# -- reject -------------------------------------------------------------------------------------


def test_dan_rejects_an_accepted_order_with_a_reason_and_a_basis(dan):
    order = make_order("accepted")
    reason = scope_reason("duplicate")

    rejected = order_reject(order=order, reason=reason, basis="该事项已于上月办结。", actor=dan)

    assert rejected.status == Status.REJECTED
    assert rejected.reject_reason == reason
    assert rejected.reject_basis == "该事项已于上月办结。"
    assert rejected.closed_at == MONDAY
    event = last_event(order)
    assert event.kind == EventKind.REJECTED
    assert (event.from_status, event.to_status) == (Status.ACCEPTED, Status.REJECTED)
    assert event.actor == dan
    assert event.note == "该事项已于上月办结。"
    assert event.data["reason"] == "duplicate"


def test_the_basis_defaults_to_the_one_of_the_reason(dan):
    order = make_order("draft")
    reason = scope_reason("out_of_jurisdiction")

    rejected = order_reject(order=order, reason=reason, actor=dan)

    assert rejected.status == Status.REJECTED
    assert rejected.reject_basis == reason.basis
    assert "管辖" in rejected.reject_basis


def test_a_retired_reason_cannot_be_used(dan):
    order = make_order("accepted")
    reason = scope_reason("vague")
    reason.is_active = False
    reason.save()

    with refused(ValidationFailed, order, match="停用"):
        order_reject(order=order, reason=reason, actor=dan)


@pytest.mark.parametrize("state", ["dispatched", "signed", "rejected", "callback", "archived"])
def test_an_order_past_acceptance_cannot_be_rejected(state, dan):
    order = make_order(state)

    with refused(InvalidTransition, order):
        order_reject(order=order, reason=scope_reason("duplicate"), actor=dan)


# -- direct answer ----------------------------------------------------------------------------


def test_olivia_answers_a_policy_question_directly_and_it_goes_to_callback(olivia):
    order = make_order("accepted", request_type_code="consult")

    answered = order_direct_answer(order=order, content="社保转移可在网上办理。", actor=olivia)

    assert answered.status == Status.CALLBACK
    assert answered.replied_at == MONDAY
    reply = Reply.objects.get(order=order)
    assert reply.assignment is None
    assert (reply.content, reply.solved, reply.author) == (
        "社保转移可在网上办理。",
        "solved",
        olivia,
    )
    event = last_event(order)
    assert event.kind == EventKind.DIRECT_ANSWER
    assert (event.from_status, event.to_status) == (Status.ACCEPTED, Status.CALLBACK)
    assert event.actor == olivia


def test_a_direct_answer_needs_content(olivia):
    order = make_order("accepted")

    with refused(ValidationFailed, order, match="答复内容"):
        order_direct_answer(order=order, content="  ", actor=olivia)


def test_a_direct_answer_needs_a_known_method(olivia):
    order = make_order("accepted")

    with refused(ValidationFailed, order):
        order_direct_answer(order=order, content="已答复", method="pigeon", actor=olivia)

    with refused(ValidationFailed, order):
        order_direct_answer(order=order, content="已答复", solved=Satisfaction.SATISFIED)


@pytest.mark.parametrize("state", ["draft", "dispatched", "signed", "callback", "rejected"])
def test_only_an_accepted_order_can_be_answered_directly(state, olivia):
    order = make_order(state)

    with refused(InvalidTransition, order, match="直接答复"):
        order_direct_answer(order=order, content="已答复", solved=Solved.SOLVED, actor=olivia)
