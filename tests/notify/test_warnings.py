"""Yellow and red warnings reach the handlers and the dispatchers as in-app notices."""

import pytest

from minyi.core import clock
from minyi.notify.models import Notice, OutboxMessage
from minyi.notify.services import outbox_sweep, warning_notices_collect
from minyi.orders.services.handling import extension_request
from minyi.orders.services.sla import sla_scan
from tests.factories import MONDAY, at, lead_of, make_order

pytestmark = pytest.mark.django_db


def notices(order, code_part):
    return OutboxMessage.objects.filter(order=order, template_code__contains=code_part)


def test_a_warning_from_an_action_notifies_the_handlers_and_the_dispatchers(hana, henry, dan):
    order = make_order(
        "signed", at=MONDAY, handler=hana, dispatcher=dan, requester_name="秘密举报人"
    )
    with clock.frozen(at(2026, 3, 9, 10)):
        extension_request(
            assignment=lead_of(order), reason="需协调", requested_due=at(2026, 3, 20), actor=hana
        )
    handler = notices(order, "warning_yellow_handler").get()
    dispatcher = notices(order, "warning_yellow_dispatcher").get()
    assert (handler.recipient_user, dispatcher.recipient_user) == (hana, dan)
    assert handler.channel == "in_app" and "【黄色预警】" in handler.body
    assert order.number in handler.body and "3月9日" in handler.body
    assert "城管局" in dispatcher.body or "城市管理" in dispatcher.body
    assert "秘密举报人" not in handler.body and "13800138000" not in handler.body
    assert not notices(order, "").filter(recipient_user=henry).exists()  # not his department


def test_warnings_from_the_sla_scan_are_collected_into_notices(hana, dan):
    with clock.frozen(MONDAY):
        warning_notices_collect()  # the collector starts from here
    order = make_order("dispatched", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 3, 11)):
        sla_scan()
        assert warning_notices_collect() == 2  # red: one handler, one dispatcher
        assert warning_notices_collect() == 0  # the same events are not processed twice
        outbox_sweep()
    texts = sorted(Notice.objects.filter(order=order).values_list("user__username", "text"))
    assert [user for user, _ in texts] == ["dan", "hana"]
    assert all(text.startswith("【红色超期】") for _, text in texts)
    assert notices(order, "warning_red").filter(status="sent").count() == 2


def test_a_notice_is_delivered_once_even_if_sent_twice(hana, dan):
    order = make_order("signed", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 9, 10)):
        extension_request(
            assignment=lead_of(order), reason="需协调", requested_due=at(2026, 3, 20), actor=hana
        )
        outbox_sweep()
        outbox_sweep()
    assert Notice.objects.filter(user=hana, order=order).count() == 1


def test_an_order_waiting_for_dispatch_asks_the_dispatchers_to_dispatch_it(hana, dan):
    with clock.frozen(MONDAY):
        warning_notices_collect()
    order = make_order("accepted", at=MONDAY, request_type_code="urgent")
    with clock.frozen(at(2026, 3, 2, 11, 30)):
        sla_scan()
    with clock.frozen(at(2026, 3, 2, 12, 30)):
        sla_scan()
    with clock.frozen(at(2026, 3, 2, 12, 31)):
        warning_notices_collect()
        outbox_sweep()

    texts = list(Notice.objects.filter(order=order).order_by("id").values_list("user", "text"))
    assert texts == [
        (
            dan.pk,
            f"【黄色预警】工单{order.number}“小区门口占道经营”待派单，派单时限3月2日 12:00，请第一时间交办。",
        ),
        (
            dan.pk,
            f"【红色超期】工单{order.number}“小区门口占道经营”已超过派单时限（3月2日 12:00），请立即派单。",
        ),
    ]
    assert not notices(order, "warning_").exists()
