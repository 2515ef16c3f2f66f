"""The reply SMS carries the result (issue 9, rule 7): a bounded summary of the reply, and the
deputy is asked to rate it ("告诉人大代表办理结果，并征求人大代表对办理结果是否满意")."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.orders.models import ReplyMethod, Solved
from minyi.orders.services.dispatch import assignment_sign
from minyi.orders.services.handling import assignment_reply
from minyi.orders.services.intake import order_direct_answer
from tests.factories import MONDAY, ZHANG_MOBILE, lead_of, make_order

pytestmark = pytest.mark.django_db

CITIZEN = "+8613900001111"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def body(order, phone):
    [message] = OutboxMessage.objects.filter(order=order, recipient_phone=phone).exclude(
        template_code="order_accepted"
    )
    return message.template_code, message.body


def signed_deputy_order(zhang, hana):
    return make_order(
        "signed", channel="deputy_call", deputy=zhang, handler=hana, requester_phone=CITIZEN
    )


def test_the_reply_sms_tells_the_deputy_the_result_and_asks_for_a_rating(zhang, hana):
    order = make_order(
        "replied", channel="deputy_call", deputy=zhang, handler=hana, requester_phone=CITIZEN
    )

    assert body(order, ZHANG_MOBILE) == (
        "reply_ready_deputy",
        f"您好，您反映的“小区门口占道经营”（工单编号{order.number}）已办理答复（已解决）："
        "已清理占道摊点，并安排城管队员每日巡查。"
        "请登录人大代表工作台评价办理结果（满意、基本满意、不满意），12345热线也将回访征求您的意见。",
    )


def test_the_reply_sms_tells_the_requester_the_result(zhang, hana):
    order = make_order(
        "replied", channel="deputy_call", deputy=zhang, handler=hana, requester_phone=CITIZEN
    )

    assert body(order, CITIZEN) == (
        "reply_ready",
        f"您好，您反映的“小区门口占道经营”（工单编号{order.number}）已办理答复（已解决）："
        "已清理占道摊点，并安排城管队员每日巡查。12345热线将对办理结果进行回访，感谢您的支持。",
    )


def test_a_long_reply_is_cut_to_a_bounded_summary_on_one_line(zhang, hana):
    order = signed_deputy_order(zhang, hana)
    content = "已联系街道办事处。\n\n" + "城管执法中队每日两次巡查占道经营情况" * 20
    assignment_reply(
        assignment=lead_of(order),
        content=content,
        method=ReplyMethod.PHONE,
        solved=Solved.PARTLY,
        plan="设置便民疏导点",
        plan_due=MONDAY.date().replace(day=20),
        actor=hana,
    )

    _, text = body(order, CITIZEN)
    summary = text.split("（部分解决）：", 1)[1].split("12345热线将", 1)[0]
    assert (
        summary == "已联系街道办事处。 " + ("城管执法中队每日两次巡查占道经营情况" * 3)[:50] + "…"
    )
    # 60 characters of the reply and the ellipsis, which ends the sentence: no "…。"
    assert len(summary) == 61
    assert "\n" not in text


def test_a_direct_answer_carries_its_answer(olivia):
    order = make_order("accepted", operator=olivia, requester_phone=CITIZEN)
    order_direct_answer(order=order, content="可携带身份证到政务服务中心办理。", actor=olivia)

    assert body(order, CITIZEN) == (
        "reply_ready",
        f"您好，您反映的“小区门口占道经营”（工单编号{order.number}）已办理答复（已解决）："
        "可携带身份证到政务服务中心办理。12345热线将对办理结果进行回访，感谢您的支持。",
    )


def test_one_phone_that_is_both_deputy_and_requester_gets_the_deputy_text_once(zhang, hana):
    order = make_order(
        "replied", channel="deputy_call", deputy=zhang, handler=hana, requester_phone=ZHANG_MOBILE
    )

    code, _ = body(order, ZHANG_MOBILE)
    assert code == "reply_ready_deputy"


def test_an_assisting_reply_sends_nothing(zhang, hana, henry):
    order = make_order(
        "dispatched",
        channel="deputy_call",
        deputy=zhang,
        handler=hana,
        assisting=[henry.department],
        requester_phone=CITIZEN,
    )
    assisting = order.assignments.get(department=henry.department)
    assignment_sign(assignment=assisting, actor=henry)
    assignment_reply(
        assignment=assisting,
        content="已配合核查。",
        method=ReplyMethod.PHONE,
        solved=Solved.SOLVED,
        actor=henry,
    )

    assert not OutboxMessage.objects.filter(order=order, template_code__startswith="reply_ready")
