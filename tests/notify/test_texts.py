"""The exact words of the messages about deadlines, requests and supervision (DESIGN §9).

Each message kind these rules send has its full text checked here, so that a word the order's
state does not bear out (a date left empty, "已列入督办" on an order nobody supervised) fails."""

import pytest

from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.notify.services import warning_notices_collect
from minyi.orders.models import Warning
from minyi.orders.services.closing import order_supervise
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, at, make_order

pytestmark = pytest.mark.django_db

TITLE = "小区门口占道经营"
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
