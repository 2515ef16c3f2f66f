"""The exact words of the messages about deadlines, requests and supervision (DESIGN §9).

Each message kind these rules send has its full text checked here, so that a word the order's
state does not bear out (a date left empty, "已列入督办" on an order nobody supervised) fails."""

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.notify.models import OutboxMessage
from minyi.notify.services import warning_notices_collect
from minyi.orders.models import Satisfaction, Warning
from minyi.orders.services.closing import order_callback, order_supervise
from minyi.orders.services.handling import (
    assignment_reply,
    extension_approve,
    extension_deny,
    extension_request,
)
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, at, lead_of, make_order

pytestmark = pytest.mark.django_db

TITLE = "小区门口占道经营"
CITIZEN = "+8613800138000"
DEPARTMENT = "市城市管理和综合执法局"


def bodies(order, code):
    return list(
        OutboxMessage.objects.filter(order=order, template_code=code)
        .order_by("recipient_phone", "recipient_user_id")
        .values_list("body", flat=True)
    )


def test_a_red_warning_does_not_claim_supervision_nobody_decided(hana, dan):
    order = make_order("dispatched", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 3, 11)):
        sla_scan()
        warning_notices_collect()

    order.refresh_from_db()
    assert order.warning == Warning.RED and order.supervision == Warning.NONE
    n = order.number
    assert bodies(order, "warning_red_handler") == [
        f"【红色超期】工单{n}“{TITLE}”已于3月3日 10:00超期，请立即办理。"
    ]
    assert bodies(order, "warning_red_dispatcher") == [
        f"【红色超期】工单{n}“{TITLE}”（{DEPARTMENT}）已于3月3日 10:00超期，请督办。"
    ]


def test_a_yellow_warning_names_the_deadline(hana, dan):
    order = make_order("signed", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 7, 10)):  # a working day before 3月9日 24:00
        sla_scan()
        warning_notices_collect()

    n, due = order.number, "3月9日"
    assert bodies(order, "warning_yellow_handler") == [
        f"【黄色预警】工单{n}“{TITLE}”将于{due}到期，请抓紧办理。"
    ]
    assert bodies(order, "warning_yellow_dispatcher") == [
        f"【黄色预警】工单{n}“{TITLE}”（{DEPARTMENT}）将于{due}到期。"
    ]


def test_supervision_tells_the_handling_department_it_is_supervised(hana, henry, dan):
    order = make_order("signed", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 4, 10)):
        order_supervise(order=order, level=Warning.RED, note="群众多次来电，红牌督办", actor=dan)

    [notice] = OutboxMessage.objects.filter(order=order, template_code="supervised_handler")
    assert notice.recipient_user == hana and notice.channel == "in_app"
    assert notice.body == (
        f"【红牌督办】工单{order.number}“{TITLE}”已列入督办，办理时限3月9日，请抓紧办理。"
    )


@pytest.fixture
def asked(deputy, hana, dan):
    """A deputy's order signed for on Monday (due 3月9日 24:00), an extension asked on Wednesday."""
    order = make_order(
        "signed", at=MONDAY, channel="deputy_call", deputy=deputy, handler=hana, dispatcher=dan
    )
    with clock.frozen(at(2026, 3, 4, 10)):
        request = extension_request(
            assignment=lead_of(order),
            requested_due=at(2026, 3, 20, 17, 30),
            reason="需等待第三方检测报告",
            actor=hana,
        )
    return order, request


def test_an_approved_extension_tells_the_new_date_in_beijing_time(asked, dan):
    order, request = asked
    with clock.frozen(at(2026, 3, 5, 9)):
        extension_approve(request=request, actor=dan)

    text = f"您好，工单{order.number}（{TITLE}）因办理需要已批准延期，将于3月20日 17:30前办结答复，感谢您的理解。"
    assert bodies(order, "extension_approved") == [text, text]  # the deputy and the requester


def test_a_denied_extension_tells_the_deadline_in_force_in_beijing_time(asked, dan):
    order, request = asked
    with clock.frozen(at(2026, 3, 5, 9)):
        extension_deny(request=request, note="检测报告可加急", actor=dan)

    text = f"您好，工单{order.number}（{TITLE}）正在办理中，将于3月9日前办结答复。"
    assert bodies(order, "extension_denied") == [text, text]


def test_a_request_that_lapsed_with_the_reply_sends_no_denial(asked, hana, dan):
    order, request = asked
    with clock.frozen(at(2026, 3, 5, 9)):
        assignment_reply(
            assignment=lead_of(order),
            content="已清理占道摊点",
            method="phone",
            solved="solved",
            actor=hana,
        )
        with pytest.raises(InvalidTransition):
            extension_deny(request=request, note="不同意", actor=dan)

    assert bodies(order, "extension_denied") == []


def test_an_unreachable_callback_asks_to_call_back(hana, carl):
    order = make_order("replied", at=MONDAY, handler=hana)
    with clock.frozen(at(2026, 3, 3, 10)):
        order_callback(order=order, satisfaction=Satisfaction.UNREACHABLE, actor=carl)

    assert bodies(order, "callback_request") == [
        f"您好，12345热线就工单{order.number}（{TITLE}）的办理情况回访，未能与您接通，请方便时回电12345。"
    ]
