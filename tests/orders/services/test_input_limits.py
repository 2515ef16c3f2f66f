"""The services refuse what no form would send — an impossible date, a deadline years away, a
text over its limit — so the API and any future caller meet the same rule as the pages. Each
refusal is a ValidationFailed with a Chinese message, and nothing is half-saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from minyi.core import clock
from minyi.core.errors import ValidationFailed
from minyi.orders import text_limits as limits
from minyi.orders.models import ReplyMethod, Satisfaction, Solved, WorkOrder
from minyi.orders.services.closing import order_callback, order_redo, order_supervise
from minyi.orders.services.dispatch import order_dispatch
from minyi.orders.services.handling import assignment_reply, extension_approve, extension_request
from minyi.orders.services.intake import order_create
from tests.factories import MONDAY, at, lead_of, make_order, refused, request_type

pytestmark = pytest.mark.django_db

YEAR_9999 = at(9999, 12, 31, 23, 59)
YEAR_1 = at(1, 1, 1)
TOO_FAR = MONDAY + timedelta(days=367)


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.mark.parametrize(
    ("due", "says"),
    [(YEAR_9999, "2000 年至 2099 年"), (YEAR_1, "晚于当前时间"), (TOO_FAR, "一年之内")],
)
def test_a_redo_deadline_no_one_could_mean_is_refused(hana, carl, due, says):
    order = make_order("replied", handler=hana)
    order_callback(order=order, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=carl)

    with refused(ValidationFailed, order, match=says):
        order_redo(order=order, note="代表不满意", due=due, actor=carl)


def test_supervision_refuses_a_redo_deadline_in_year_9999(dan, hana):
    order = make_order("replied", handler=hana)

    with refused(ValidationFailed, order, match="2000 年至 2099 年"):
        order_supervise(order=order, level="yellow", note="加快", due=YEAR_9999, actor=dan)


def test_an_extension_to_year_9999_is_refused_when_asked(hana):
    order = make_order("signed", handler=hana)

    with refused(ValidationFailed, order, match="2000 年至 2099 年"):
        extension_request(
            assignment=lead_of(order), requested_due=YEAR_9999, reason="等报告", actor=hana
        )


def test_an_approval_beyond_a_year_is_refused(dan, hana):
    order = make_order("signed", handler=hana)
    request = extension_request(
        assignment=lead_of(order), requested_due=at(2026, 3, 20, 18), reason="等报告", actor=hana
    )

    with refused(ValidationFailed, order, match="一年之内"):
        extension_approve(request=request, approved_due=TOO_FAR, actor=dan)


def test_a_plan_date_in_year_1_is_refused(hana):
    order = make_order("signed", handler=hana)

    with refused(ValidationFailed, order, match="计划完成时间"):
        assignment_reply(
            assignment=lead_of(order),
            content="正在协调",
            method=ReplyMethod.PHONE,
            solved=Solved.PARTLY,
            plan="下月完工",
            plan_due=date(1, 1, 1),
            actor=hana,
        )


def test_order_content_over_5000_characters_is_refused_and_nothing_is_recorded(olivia):
    with pytest.raises(ValidationFailed, match="诉求内容最多 5000 字"):
        order_create(
            channel="citizen_call",
            request_type=request_type("complain"),
            title="占道经营",
            content="长" * (limits.CONTENT + 1),
            requester_name="李群众",
            actor=olivia,
        )

    assert not WorkOrder.objects.exists()


def test_content_of_exactly_5000_characters_is_kept_whole(olivia):
    order = order_create(
        channel="citizen_call",
        request_type=request_type("complain"),
        title="占道经营",
        content="长" * limits.CONTENT,
        requester_name="李群众",
        actor=olivia,
    )

    assert len(order.content) == limits.CONTENT


def test_a_title_over_its_limit_is_refused_not_cut(olivia):
    with pytest.raises(ValidationFailed, match="工单标题最多 120 字"):
        order_create(
            channel="citizen_call",
            request_type=request_type("complain"),
            title="题" * 121,
            content="内容",
            requester_name="李群众",
            actor=olivia,
        )


def test_a_reply_over_its_limit_is_refused(hana):
    order = make_order("signed", handler=hana)

    with refused(ValidationFailed, order, match="答复内容最多 5000 字"):
        assignment_reply(
            assignment=lead_of(order),
            content="答" * (limits.REPLY + 1),
            method=ReplyMethod.PHONE,
            solved=Solved.SOLVED,
            actor=hana,
        )


def test_a_note_over_1000_characters_is_refused(dan, dept_a):
    order = make_order("accepted")

    with refused(ValidationFailed, order, match="派单说明最多 1000 字"):
        order_dispatch(order=order, lead=dept_a, note="说" * (limits.NOTE + 1), actor=dan)
