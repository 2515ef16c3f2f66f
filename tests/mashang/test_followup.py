"""What comes back from 12345 to a forwarded message (minyi/mashang/services/followup.py): a
refusal opens the message again with the reason and basis; an archived order brings the result,
which prefills the deputy's answer."""

from __future__ import annotations

import pytest

from minyi.mashang.models import Holder, MessageEventKind, MessageStatus
from minyi.mashang.services.followup import prefilled_answer
from minyi.mashang.services.handling import message_answer, message_forward, message_to_liaison
from minyi.orders.models import Solved, Status
from minyi.orders.services.intake import order_reject
from minyi.orders.services.tracking import tracking_confirm, tracking_done
from tests.factories import order_walk, scope_reason
from tests.mashang.deputy_side import (
    CITIZEN_PHONE,
    liaison_officer,
    message_to,
    notices_of,
    sms_to,
    station_and_deputy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def forwarded():
    _, wang, user = station_and_deputy()
    message = message_forward(message=message_to(wang, tracking_code="FORWARD234"), actor=user)
    return message, user


def test_a_rejected_order_opens_the_message_again_with_the_reason_and_the_basis(forwarded, dan):
    message, wang = forwarded
    order = message.order

    order_reject(
        order=order,
        reason=scope_reason("out_of_jurisdiction"),
        basis="依据《湖南省12345政务服务热线运行规范》，该事项属县级管辖。",
        actor=dan,
    )

    message.refresh_from_db()
    assert (message.status, message.holder) == (MessageStatus.OPEN, Holder.DEPUTY)
    event = message.events.get(kind=MessageEventKind.ORDER_REJECTED)
    assert event.text == "依据《湖南省12345政务服务热线运行规范》，该事项属县级管辖。"
    assert event.details["reason"] == scope_reason("out_of_jurisdiction").title
    assert notices_of(wang) == [
        f"【选民留言】转12345的留言（查询码FORWARD234，工单{order.number}）不予受理："
        f"{scope_reason('out_of_jurisdiction').title}。请查看依据并另行处理。"
    ]
    # open again: the deputy answers the citizen themself
    message_answer(message=message, actor=wang, text="此事由县里管辖，我已向县人大反映。")


def test_the_archived_order_brings_the_result_back_and_prefills_the_answer(forwarded):
    message, wang = forwarded

    order = order_walk(message.order, "archived")

    assert order.status == Status.ARCHIVED
    message.refresh_from_db()
    assert message.status == MessageStatus.RESULT
    event = message.events.get(kind=MessageEventKind.RESULT)
    assert event.text == "已清理占道摊点，并安排城管队员每日巡查。"
    assert event.details == {"order": order.number, "solved": Solved.SOLVED.label}
    assert notices_of(wang) == [
        f"【选民留言】转12345的留言（查询码FORWARD234，工单{order.number}）已办结，"
        "请据办理结果答复群众。"
    ]
    assert prefilled_answer(message) == (
        "您好，您反映的问题已转12345热线交有关部门办理，办理结果如下："
        "已清理占道摊点，并安排城管队员每日巡查。"
    )
    message_answer(message=message, actor=wang, text=prefilled_answer(message))
    [sms] = sms_to(CITIZEN_PHONE, "mashang_answered")
    assert "查询码FORWARD234" in sms.body


def test_a_direct_answer_called_back_and_archived_brings_the_result_too(forwarded, carl):
    from minyi.orders.models import Satisfaction
    from minyi.orders.services.closing import order_archive, order_callback
    from minyi.orders.services.intake import order_direct_answer

    message, _ = forwarded
    order = order_direct_answer(order=message.order, content="政策规定可以申请补贴。")
    order_callback(order=order, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)
    order_archive(order=order, actor=carl)

    message.refresh_from_db()
    assert message.status == MessageStatus.RESULT
    assert message.events.get(kind=MessageEventKind.RESULT).text == "政策规定可以申请补贴。"


def test_a_tracked_matter_brings_the_result_only_once_confirmed_done(forwarded, hana, carl):
    message, _ = forwarded
    order = order_walk(message.order, "tracking", handler=hana, agent=carl)
    message.refresh_from_db()
    assert message.status == MessageStatus.FORWARDED  # not done yet: 跟踪督办

    tracking_done(order=order, text="护栏已全部更换。", actor=hana)
    tracking_confirm(order=order, confirmed=True, actor=carl)

    message.refresh_from_db()
    assert message.status == MessageStatus.RESULT


def test_the_message_goes_back_to_whoever_forwarded_it():
    _, wang, user = station_and_deputy()
    liu = liaison_officer()
    message = message_to_liaison(message=message_to(wang), actor=user)
    message = message_forward(message=message, actor=liu)

    order_reject(order=message.order, reason=scope_reason("out_of_jurisdiction"), actor=liu)

    message.refresh_from_db()
    assert (message.status, message.holder) == (MessageStatus.OPEN, Holder.LIAISON)
    assert notices_of(liu)[-1].startswith("【选民留言】转12345的留言")
    assert not notices_of(user)


def test_an_order_from_another_channel_touches_no_message(forwarded, dan):
    from tests.factories import make_order

    message, _ = forwarded
    other = make_order("accepted")

    order_reject(order=other, reason=scope_reason("out_of_jurisdiction"), actor=dan)

    message.refresh_from_db()
    assert message.status == MessageStatus.FORWARDED


def test_an_escalated_order_opens_the_message_for_the_deputy_to_tell_the_citizen(forwarded, dan):
    from minyi.suggestions.services import suggestion_escalate

    message, wang = forwarded

    suggestion_escalate(order=message.order, note="涉及全镇规划，转代表建议。", actor=dan)

    message.refresh_from_db()
    assert (message.status, message.holder) == (MessageStatus.OPEN, Holder.DEPUTY)
    event = message.events.get(kind=MessageEventKind.ORDER_ESCALATED)
    assert event.text == "涉及全镇规划，转代表建议。"
    assert notices_of(wang) == [
        f"【选民留言】转12345的留言（查询码FORWARD234，工单{message.order.number}）"
        "已转为闭会期间代表建议，请告知群众。"
    ]


def test_a_merged_order_hands_the_message_to_its_master_whose_result_comes_back(forwarded, dan):
    from minyi.orders.services.closing import order_merge
    from tests.factories import make_order

    message, _ = forwarded
    duplicate = message.order
    master = make_order("accepted")

    order_merge(order=duplicate, master=master, note="同一事项", actor=dan)

    message.refresh_from_db()
    assert message.status == MessageStatus.FORWARDED and message.order == master
    event = message.events.get(kind=MessageEventKind.ORDER_MERGED)
    assert event.details == {"order": duplicate.number, "master": master.number}
    order_walk(master, "archived")
    message.refresh_from_db()
    assert message.status == MessageStatus.RESULT


def test_a_message_merged_into_an_order_already_archived_gets_its_result_at_once(forwarded, dan):
    from minyi.orders.services.closing import order_merge
    from tests.factories import make_order

    message, _ = forwarded
    master = make_order("archived")

    order_merge(order=message.order, master=master, note="同一事项", actor=dan)

    message.refresh_from_db()
    assert message.status == MessageStatus.RESULT
