"""Department grading (绩效考核) and deputy activity (代表履职)."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.deputies.models import Level
from minyi.ledger import activity, grading, stats
from minyi.ledger.models import StatisticsPolicy
from minyi.orders.models import Channel, ReplyMethod, Solved
from minyi.orders.services.dispatch import assignment_sign, return_accept, return_refuse
from minyi.orders.services.handling import assignment_reply, extension_approve, extension_request
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    HandlerFactory,
    MessageFactory,
    UserFactory,
    assisting_of,
    at,
    lead_of,
    make_order,
    seat,
)
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

NOVEMBER = stats.Selection().with_period(stats.Period.month(date(2026, 11, 1)), month=True)
LATER = at(2026, 11, 30, 12)


@pytest.fixture
def call(db):
    return {"channel": Channel.DEPUTY_CALL, "deputy": DeputyFactory()}


@pytest.fixture
def liaison(client):
    return sign_in(client, UserFactory(role=Role.LIAISON))


def weigh_signing_only(minimum_sample: int = 10) -> None:
    StatisticsPolicy.objects.update(
        minimum_sample=minimum_sample,
        weight_sign=1,
        weight_return=0,
        weight_reply=0,
        weight_satisfaction=0,
        weight_resolution=0,
        weight_redo=0,
    )


@pytest.fixture
def one_fast_and_ninety_percent(call):
    """Department 快: one order, signed at once. Department 稳: ten orders, nine signed on time."""
    fast, steady = HandlerFactory(), HandlerFactory()
    make_order("signed", at=at(2026, 11, 9, 10), handler=fast, **call)
    for _ in range(9):
        make_order("signed", at=at(2026, 11, 9, 10), handler=steady, **call)
    late = make_order("dispatched", at=at(2026, 11, 9, 10), lead=steady.department, **call)
    with clock.frozen(at(2026, 11, 11, 10)):
        assignment_sign(assignment=lead_of(late), actor=steady)
    return fast.department, steady.department


def by_department(rows):
    return {row["department"]: row for row in rows}


def test_one_fast_order_cannot_top_the_table_the_lower_bound_ranks(one_fast_and_ninety_percent):
    fast, steady = one_fast_and_ninety_percent
    weigh_signing_only(minimum_sample=1)

    rows = grading.grading(NOVEMBER, user=None, now=LATER)

    assert [row["department"] for row in rows] == [steady.pk, fast.pk]
    first, second = rows
    assert second["rates"]["sign"]["value"] == 1.0  # 100% …
    assert first["rates"]["sign"]["value"] == 0.9  # … below 90%
    assert second["score"] == pytest.approx(20.7, abs=0.05)  # 1/1: Wilson lower bound 20.65%
    assert first["score"] == pytest.approx(59.6, abs=0.05)  # 9/10: 59.58%


def test_below_the_minimum_sample_no_score_and_last(one_fast_and_ninety_percent, liaison):
    fast, steady = one_fast_and_ninety_percent
    weigh_signing_only(minimum_sample=10)

    with clock.frozen(LATER):
        response = liaison.get("/work/stats/departments/?month=2026-11")

    rows = response.context["rows"]
    assert [row["department"] for row in rows] == [steady.pk, fast.pk]
    assert rows[1]["score"] is None and rows[1]["rates"]["sign"]["value"] is None
    page = response.content.decode()
    assert "样本不足" in page and "下限" in page  # the method is said on the page
    assert f"/work/ledger/?month=2026-11&amp;department={fast.pk}&amp;figure=dispatched" in page


def test_sort_by_a_column_and_reversed(one_fast_and_ninety_percent, liaison):
    fast, steady = one_fast_and_ninety_percent
    weigh_signing_only(minimum_sample=1)

    with clock.frozen(LATER):
        by_name = liaison.get("/work/stats/departments/?month=2026-11&sort=-dispatched")

    assert [row["department"] for row in by_name.context["rows"]] == [fast.pk, steady.pk]


def test_a_departments_parts_returns_extension_and_assisting(call):
    dispatcher = UserFactory(role=Role.DISPATCHER)
    lead, helper = HandlerFactory(), HandlerFactory()
    # returns: one accepted, one refused, both asked by the lead department
    accepted = make_order("returned", at=at(2026, 11, 9, 10), handler=lead, **call)
    refused = make_order("returned", at=at(2026, 11, 9, 10), handler=lead, **call)
    with clock.frozen(at(2026, 11, 9, 15)):
        return_accept(
            request=lead_of(accepted).return_requests.get(),
            redispatch_to=DepartmentFactory(),
            actor=dispatcher,
        )
        return_refuse(
            request=lead_of(refused).return_requests.get(), note="属本单位职责", actor=dispatcher
        )
    # an extension: replied after the original limit (16th), before the approved one (25th)
    extended = make_order(
        "signed",
        at=at(2026, 11, 9, 10),
        handler=lead,
        assisting=[helper.department],
        **call,
    )
    with clock.frozen(at(2026, 11, 12, 10)):
        request = extension_request(
            assignment=lead_of(extended), requested_due=at(2026, 11, 25, 18), reason="需现场勘查"
        )
        extension_approve(request=request, actor=dispatcher)
        assignment_sign(assignment=assisting_of(extended)[0], actor=helper)  # late: by the 10th
    with clock.frozen(at(2026, 11, 20, 10)):
        assignment_reply(
            assignment=lead_of(extended),
            content="已办结。",
            method=ReplyMethod.PHONE,
            solved=Solved.SOLVED,
            actor=lead,
        )

    rows = by_department(
        grading.grading(NOVEMBER, user=None, now=LATER, policy=stats.Policy(minimum_sample=1))
    )
    mine, theirs = rows[lead.department_id], rows[helper.department_id]

    assert mine["counts"]["dispatched"] == 3
    assert mine["counts"]["returns_accepted"] == 1 and mine["counts"]["returns_refused"] == 1
    assert mine["rates"]["return"]["value"] == pytest.approx(1 / 3)
    assert mine["counts"]["replied_on_time"] == 1  # the extended one
    assert theirs["counts"]["dispatched"] == 1 and theirs["counts"]["signed_on_time"] == 0
    assert theirs["counts"]["led"] == 0  # assisting: no satisfaction of its own


def test_rejected_and_other_channels_are_not_graded(call):
    handler = HandlerFactory()
    make_order("signed", at=at(2026, 11, 9, 10), handler=handler)  # a citizen's call

    assert grading.grading(NOVEMBER, user=None, now=LATER) == []
    everything = stats.Selection(channel="all").with_period(NOVEMBER.period, month=True)
    assert len(grading.grading(everything, user=None, now=LATER)) == 1


# -- deputy activity ----------------------------------------------------------------------------


def test_a_deputys_calls_messages_and_outcomes_and_no_anonymous_order_under_their_name(liaison):
    deputy = DeputyFactory(name="谭萍", mandate=None)
    seat(deputy, "韶山市人大", Level.COUNTY)
    seat(deputy, "湘潭市人大", Level.CITY)
    other = DeputyFactory(name="李四")
    call = {"channel": Channel.DEPUTY_CALL, "deputy": deputy}
    make_order("archived", at=at(2026, 11, 9, 10), **call)
    make_order("accepted", at=at(2026, 11, 9, 10), **call)
    make_order("accepted", at=at(2026, 11, 9, 10), is_anonymous=True, **call)
    forwarded = make_order(
        "accepted", at=at(2026, 11, 9, 10), channel=Channel.QR_MESSAGE, deputy=deputy
    )
    november = at(2026, 11, 10, 10)
    MessageFactory(deputy=deputy, created_at=november, order=forwarded)
    # a message without a name forwarded as an anonymous order: the deputy is withheld on it
    withheld = make_order(
        "accepted",
        at=at(2026, 11, 9, 11),
        channel=Channel.QR_MESSAGE,
        deputy=deputy,
        is_anonymous=True,
    )
    MessageFactory(deputy=deputy, created_at=november, order=withheld)
    MessageFactory(deputy=deputy, created_at=november, answered_at=november)
    MessageFactory(deputy=deputy, created_at=november, flagged=True)  # 恶意留言: not counted
    MessageFactory(deputy=other, created_at=november)
    MessageFactory(deputy=deputy, created_at=at(2026, 10, 10, 10))  # October

    with clock.frozen(LATER):
        response = liaison.get("/work/stats/deputies/?month=2026-11")

    rows = {row["name"]: row for row in response.context["page"].object_list}
    mine = rows["谭萍"]
    assert mine["level"] == Level.CITY
    assert mine["counts"] == {
        "calls": 2,  # the anonymous call is not counted under her
        "received": 3,
        "forwarded": 1,  # nor the anonymous order her message became
        "answered": 1,
        "orders": 3,
        "closed": 1,
        "satisfied": 1,
        "solved": 1,
    }
    assert rows["李四"]["counts"]["received"] == 1
    assert [r["name"] for r in response.context["page"].object_list][0] == "谭萍"  # most calls
    assert "谭萍" in response.content.decode()


def test_deputy_activity_by_level_sorted_and_paged(db):
    liaison = UserFactory(role=Role.LIAISON)
    for n in range(3):
        deputy = DeputyFactory(name=f"代表{n}")
        for _ in range(n + 1):
            make_order(
                "accepted", at=at(2026, 11, 9, 10), channel=Channel.DEPUTY_CALL, deputy=deputy
            )
    township = DeputyFactory(name="乡代表", mandate=None)
    seat(township, "银田镇人大", Level.TOWNSHIP)
    make_order("accepted", at=at(2026, 11, 9, 10), channel=Channel.DEPUTY_CALL, deputy=township)

    rows = activity.activity(NOVEMBER, user=liaison, sort="-calls")
    assert [r["name"] for r in rows][:3] == ["乡代表", "代表0", "代表1"]
    city = stats.Selection(level=Level.CITY).with_period(NOVEMBER.period, month=True)
    assert {r["name"] for r in activity.activity(city, user=liaison)} == {"代表0", "代表1", "代表2"}
