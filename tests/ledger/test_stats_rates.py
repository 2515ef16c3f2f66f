"""Each rate of DESIGN §6 on hand-built orders that went through the services: signing on time,
returns accepted and refused, replies on time with an approved extension, callbacks, the
satisfaction with k, resolution, redo, supervision, merged duplicates counted once and rejected
orders outside the pool, the minimum sample and the Wilson intervals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.ledger import stats
from minyi.ledger.stats import Period, Policy
from minyi.orders.models import Channel, ReplyMethod, Satisfaction, Solved, Warning, WorkOrder
from minyi.orders.services.closing import order_callback, order_merge, order_redo, order_supervise
from minyi.orders.services.dispatch import (
    assignment_sign,
    return_accept,
    return_refuse,
)
from minyi.orders.services.handling import assignment_reply, extension_approve, extension_request
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    HandlerFactory,
    UserFactory,
    at,
    lead_of,
    make_order,
)

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(date(2026, 11, 1))
# after every deadline of the orders below (dispatched 9 Nov: signing by the 10th, replying by
# the 16th)
LATER = at(2026, 11, 30, 12)
ANY = Policy(minimum_sample=1)


def figures(policy=ANY, now=LATER, channels=stats.DEPUTY_CHANNELS):
    return stats.figures(stats.rows_for(NOVEMBER, channels=channels), policy=policy, now=now)


def flat(**kwargs):
    return stats.flat(figures(**kwargs))


@pytest.fixture
def call(db):
    return {"channel": Channel.DEPUTY_CALL, "deputy": DeputyFactory()}


def reply(order, *, when, handler=None):
    with clock.frozen(when):
        assignment_reply(
            assignment=lead_of(order),
            content="已处理完毕。",
            method=ReplyMethod.PHONE,
            solved=Solved.SOLVED,
            actor=handler,
        )
    return WorkOrder.objects.get(pk=order.pk)


def test_signing_on_time_counts_the_lead_signed_by_its_limit_and_the_unsigned_past_it(call):
    make_order("signed", at=at(2026, 11, 9, 10), **call)  # signed at once: on time
    late = make_order("dispatched", at=at(2026, 11, 9, 10), **call)
    with clock.frozen(at(2026, 11, 11, 10)):  # the limit was the 10th, 10:00
        assignment_sign(assignment=lead_of(late))
    make_order("dispatched", at=at(2026, 11, 9, 10), **call)  # never signed, limit passed
    make_order("dispatched", at=at(2026, 11, 30, 10), **call)  # its limit not yet reached

    f = flat()

    assert f["dispatched"] == 4 and f["sign_due"] == 3 and f["signed_on_time"] == 1
    assert f["on_time_sign_rate"] == pytest.approx(1 / 3, abs=1e-6)


def test_the_return_rate_counts_accepted_returns_and_a_refused_one_is_counted_apart(call):
    dispatcher = UserFactory(role=Role.DISPATCHER)
    accepted = make_order("returned", at=at(2026, 11, 9, 10), **call)
    refused = make_order("returned", at=at(2026, 11, 9, 10), **call)
    make_order("signed", at=at(2026, 11, 9, 10), **call)
    make_order("signed", at=at(2026, 11, 9, 10), **call)
    with clock.frozen(at(2026, 11, 9, 15)):
        return_accept(
            request=lead_of(accepted).return_requests.get(),
            redispatch_to=DepartmentFactory(),
            actor=dispatcher,
        )
        return_refuse(
            request=lead_of(refused).return_requests.get(), note="属本单位职责", actor=dispatcher
        )

    f = flat()

    assert f["returns_accepted"] == 1 and f["returns_refused"] == 1
    assert f["dispatched"] == 4 and f["returned"] == 1
    assert f["return_rate"] == 0.25


def test_a_reply_after_the_original_limit_but_within_an_approved_extension_is_on_time(call):
    dispatcher = UserFactory(role=Role.DISPATCHER)
    extended = make_order("signed", at=at(2026, 11, 9, 10), **call)
    with clock.frozen(at(2026, 11, 12, 10)):
        request = extension_request(
            assignment=lead_of(extended),
            requested_due=at(2026, 11, 25, 18),
            reason="需协调多个部门现场勘查",
        )
        extension_approve(request=request, actor=dispatcher)
    late = make_order("signed", at=at(2026, 11, 9, 10), **call)
    # both replied on the 20th: after the original limit (the 16th), before the new one (25th)
    reply(extended, when=at(2026, 11, 20, 10))
    reply(late, when=at(2026, 11, 20, 10))
    make_order("replied", at=at(2026, 11, 9, 10), **call)  # on time

    f = flat()

    assert f["extended"] == 1
    assert f["reply_due"] == 3 and f["replied_on_time"] == 2
    assert f["on_time_reply_rate"] == pytest.approx(2 / 3, abs=1e-6)


def test_callback_satisfaction_resolution_and_redo_rates_read_the_latest_rating(call):
    agent = UserFactory(role=Role.CALLBACK)
    make_order("archived", at=at(2026, 11, 9, 10), **call)  # satisfied, solved
    make_order("replied", at=at(2026, 11, 9, 10), **call)  # not called back yet
    redone = make_order("replied", at=at(2026, 11, 9, 10), **call)
    with clock.frozen(at(2026, 11, 10, 10)):
        order_callback(
            order=redone, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=agent
        )
        order_redo(order=WorkOrder.objects.get(pk=redone.pk), note="群众仍不满意", actor=agent)
    redone = reply(redone, when=at(2026, 11, 12, 10))
    with clock.frozen(at(2026, 11, 13, 10)):
        order_callback(order=redone, satisfaction=Satisfaction.BASICALLY, solved=True, actor=agent)

    f = flat()

    assert f["replied"] == 3 and f["called_back"] == 2 and f["redone"] == 1
    assert f["callback_rate"] == pytest.approx(2 / 3, abs=1e-6)
    assert f["rated"] == 2 and f["satisfied"] == 1 and f["basically"] == 1
    assert f["satisfaction_rate"] == 1.0  # k = 1 by default: 基本满意 counts whole
    assert f["resolution_rate"] == 1.0
    assert f["redo_rate"] == pytest.approx(1 / 3, abs=1e-6)


def test_k_weighs_basically_satisfied_at_one_half(call):
    agent = UserFactory(role=Role.CALLBACK)
    for satisfaction in (Satisfaction.SATISFIED, Satisfaction.SATISFIED) + (
        Satisfaction.BASICALLY,
    ) * 2:
        order = make_order("replied", at=at(2026, 11, 9, 10), **call)
        with clock.frozen(at(2026, 11, 10, 10)):
            order_callback(order=order, satisfaction=satisfaction, solved=True, actor=agent)

    half = flat(policy=Policy(basically_weight=Decimal("0.5"), minimum_sample=1))
    whole = flat(policy=ANY)

    assert half["satisfaction_rate"] == 0.75  # (2 + 0.5 × 2) / 4
    assert whole["satisfaction_rate"] == 1.0


def test_a_supervised_order_is_counted_as_supervised(call):
    dispatcher = UserFactory(role=Role.DISPATCHER)
    order = make_order("dispatched", at=at(2026, 11, 9, 10), **call)
    make_order("dispatched", at=at(2026, 11, 9, 10), **call)
    with clock.frozen(at(2026, 11, 9, 12)):
        order_supervise(order=order, level=Warning.YELLOW, note="请加快办理", actor=dispatcher)

    assert flat()["supervised"] == 1


def test_a_merged_duplicate_is_registered_but_counted_once_in_the_pool(call):
    master = make_order("dispatched", at=at(2026, 11, 9, 10), **call)
    duplicate = make_order("accepted", at=at(2026, 11, 9, 11), **call)
    with clock.frozen(at(2026, 11, 9, 12)):
        order_merge(order=duplicate, master=master, note="同一事项")

    f = flat()

    assert f["registered"] == 2 and f["merged"] == 1 and f["orders"] == 1
    assert f["pool"] == 1 and f["dispatched"] == 1 and f["sign_due"] == 1


def test_a_rejected_order_is_registered_but_outside_the_pool(call):
    make_order("rejected", at=at(2026, 11, 9, 10), **call)
    make_order("archived", at=at(2026, 11, 9, 10), **call)

    f = flat()

    assert f["orders"] == 2 and f["rejected"] == 1 and f["closed"] == 1  # 不予受理 is not 办结
    assert f["pool"] == 1 and f["rated"] == 1 and f["satisfaction_rate"] == 1.0


def test_below_the_minimum_sample_a_rate_is_null_and_at_it_a_value(call):
    for _ in range(9):
        make_order("archived", at=at(2026, 11, 9, 10), **call)
    policy = Policy()  # the minimum sample is 10

    nine = figures(policy=policy)
    assert nine["rates"]["satisfaction_rate"]["value"] is None
    assert nine["rates"]["satisfaction_rate"]["interval"] is None
    assert nine["rates"]["satisfaction_rate"]["n"] == 9
    assert stats.flat(nine)["satisfaction_rate"] is None

    make_order("archived", at=at(2026, 11, 9, 10), **call)
    ten = figures(policy=policy)
    assert ten["rates"]["satisfaction_rate"]["value"] == 1.0
    assert ten["rates"]["satisfaction_rate"]["interval"][0] == pytest.approx(0.7225, abs=1e-4)


def test_the_wilson_interval_has_the_textbook_values():
    assert stats.wilson(0, 0) is None
    assert stats.wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert stats.wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert stats.wilson(9, 10) == pytest.approx((0.5958, 0.9821), abs=1e-4)
    assert stats.wilson(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    # one fast order: 100% with an interval down to 21%
    assert stats.wilson(1, 1) == pytest.approx((0.2065, 1.0), abs=1e-4)


def test_the_deputy_channels_by_default_and_every_channel_on_request(call):
    make_order("accepted", at=at(2026, 11, 9, 10), **call)
    make_order("accepted", at=at(2026, 11, 9, 10), channel=Channel.QR_MESSAGE)
    make_order("accepted", at=at(2026, 11, 9, 10))  # a citizen's call

    assert flat()["orders"] == 2
    assert flat(channels=None)["orders"] == 3


def test_orders_are_in_the_month_of_their_beijing_registration_day(call):
    make_order("accepted", at=at(2026, 11, 1, 0, 30), **call)  # 31 Oct 16:30 UTC
    make_order("accepted", at=at(2026, 12, 1, 0, 30), **call)  # December in Beijing

    assert flat()["orders"] == 1


def test_figures_by_groups_the_counts_and_rates_by_a_dimension(call):
    handler = HandlerFactory()
    make_order("archived", at=at(2026, 11, 9, 10), handler=handler, **call)
    make_order("archived", at=at(2026, 11, 9, 10), handler=handler, **call)
    make_order("dispatched", at=at(2026, 11, 9, 10), **call)

    groups = stats.figures_by(stats.rows_for(NOVEMBER), "lead_department", policy=ANY, now=LATER)

    assert [g["counts"]["orders"] for g in groups] == [2, 1]
    assert groups[0]["key"] == handler.department_id
    assert groups[0]["rates"]["satisfaction_rate"]["value"] == 1.0
    assert groups[1]["rates"]["satisfaction_rate"]["value"] is None  # n = 0


def test_the_day_after_a_window_is_not_in_it():
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    assert period.until - period.since == timedelta(days=30)
