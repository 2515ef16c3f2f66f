"""Which actions write which messages, with which text, in the same transaction."""

import pytest
from django.db import transaction

from minyi.core import clock
from minyi.notify.models import MessageTemplate, OutboxMessage
from minyi.notify.services import outbox_write_for_event
from minyi.orders.models import EventKind, OrderEvent, Satisfaction
from minyi.orders.services.closing import order_callback
from minyi.orders.services.handling import extension_approve, extension_request
from minyi.orders.services.intake import order_accept, order_reject
from tests.factories import MONDAY, at, lead_of, make_order, scope_reason

pytestmark = pytest.mark.django_db

CITIZEN = "+8613800138000"


def sms(order, code):
    return list(
        OutboxMessage.objects.filter(order=order, template_code=code).order_by("recipient_phone")
    )


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def deputy_phone(deputy):
    return deputy.phones.get().number


def test_acceptance_texts_the_deputy_and_the_requester_with_the_number(deputy, olivia):
    order = make_order("accepted", channel="deputy_call", deputy=deputy, operator=olivia)
    messages = sms(order, "order_accepted")
    assert sorted(m.recipient_phone for m in messages) == sorted([deputy_phone(deputy), CITIZEN])
    assert all(order.number in m.body and "已由12345热线受理" in m.body for m in messages)
    assert {m.status for m in messages} == {"pending"}
    assert all(m.channel == "sms" for m in messages)


def test_a_rejection_tells_the_deputy_the_reason_and_the_basis(deputy, dan):
    order = make_order("accepted", channel="deputy_call", deputy=deputy, requester_phone="")
    order_reject(
        order=order, reason=scope_reason("out_of_jurisdiction"), basis="依据甲条", actor=dan
    )
    [message] = sms(order, "order_rejected")
    reason = scope_reason("out_of_jurisdiction").title
    assert message.recipient_phone == deputy_phone(deputy)
    assert f"不予受理，理由：{reason}。依据甲条。如有疑问" in message.body


def test_the_lead_reply_tells_the_deputy_and_the_requester_that_the_reply_is_ready(deputy, hana):
    order = make_order("replied", channel="deputy_call", deputy=deputy, handler=hana)
    # the deputy's text asks for a rating (tests/notify/test_reply_result_texts.py has the words)
    assert [m.recipient_phone for m in sms(order, "reply_ready_deputy")] == [deputy_phone(deputy)]
    assert [m.recipient_phone for m in sms(order, "reply_ready")] == [CITIZEN]
    assert order.number in sms(order, "reply_ready")[0].body


def test_a_direct_answer_also_tells_that_the_reply_is_ready(olivia):
    order = make_order("direct_answer", operator=olivia)
    assert [m.recipient_phone for m in sms(order, "reply_ready")] == [CITIZEN]


def test_a_rolled_back_action_leaves_no_message(olivia):
    order = make_order("draft", operator=olivia)
    with pytest.raises(RuntimeError), transaction.atomic():
        order_accept(order=order, actor=olivia)
        assert sms(order, "order_accepted")  # written inside the transaction …
        raise RuntimeError("the action fails after the event")
    assert sms(order, "order_accepted") == []  # … and gone with it


def test_a_landline_gets_no_sms_and_a_missing_phone_gets_nothing(li, olivia):
    order = make_order("accepted", channel="deputy_call", deputy=li, requester_phone="")
    assert sms(order, "order_accepted") == []


def test_a_whistle_blower_is_texted_on_their_own_phone(olivia):
    order = make_order("accepted", request_type_code="report", operator=olivia)
    assert order.protect_identity
    assert [m.recipient_phone for m in sms(order, "order_accepted")] == [CITIZEN]


def test_an_unreachable_callback_asks_the_requester_to_call_back(hana, carl):
    order = make_order("replied", handler=hana)
    order_callback(order=order, satisfaction=Satisfaction.UNREACHABLE, actor=carl)
    [message] = sms(order, "callback_request")
    assert message.recipient_phone == CITIZEN and "回电12345" in message.body


def test_an_approved_extension_tells_the_requester_the_new_date(hana, dan):
    order = make_order("signed", handler=hana)
    request = extension_request(
        assignment=lead_of(order),
        reason="需协调多方",
        requested_due=at(2026, 3, 20, 23, 59),
        actor=hana,
    )
    extension_approve(request=request, actor=dan)
    [message] = sms(order, "extension_approved")
    assert "将于3月20日前办结" in message.body


def test_processing_the_same_event_twice_writes_each_message_once(deputy, olivia):
    order = make_order("accepted", channel="deputy_call", deputy=deputy, operator=olivia)
    event = OrderEvent.objects.get(order=order, kind=EventKind.ACCEPTED)
    assert outbox_write_for_event(event) == []
    assert len(sms(order, "order_accepted")) == 2
    keys = {m.idempotency_key for m in sms(order, "order_accepted")}
    assert keys == {f"ev{event.pk}:order_accepted:{p}" for p in (deputy_phone(deputy), CITIZEN)}


def test_an_edited_template_changes_the_text_of_later_messages(olivia):
    MessageTemplate.objects.filter(code="order_accepted").update(body="工单{number}已受理。")
    order = make_order("accepted", operator=olivia)
    assert [m.body for m in sms(order, "order_accepted")] == [f"工单{order.number}已受理。"]


def test_a_switched_off_template_sends_nothing(olivia):
    MessageTemplate.objects.filter(code="order_accepted").update(is_active=False)
    order = make_order("accepted", operator=olivia)
    assert sms(order, "order_accepted") == []


def test_a_basis_that_ends_its_sentence_is_not_followed_by_a_second_full_stop(deputy, dan):
    order = make_order("draft", channel="deputy_call", deputy=deputy, requester_phone="")
    reason = scope_reason("vague")
    order_reject(order=order, reason=reason, actor=dan)

    [message] = sms(order, "order_rejected")
    assert message.body == (
        f"您好，您反映的“小区门口占道经营”（工单编号{order.number}）不予受理，"
        "理由：内容不具体，无法办理和答复。依据《湖南省12345政务服务热线运行规范》，"
        "反映的内容不具体，无法办理和答复。请补充何时、何地、何人、何事、前期处理情况及具体诉求后"
        "再次反映。如有疑问请致电12345。"
    )


def test_an_escalation_tells_the_deputy_that_the_liaison_committee_takes_it_on(deputy, dan):
    from minyi.suggestions.services import suggestion_escalate

    order = make_order("accepted", channel="deputy_call", deputy=deputy, requester_phone="")
    suggestion_escalate(order=order, note="涉及面广，转代表建议", actor=dan)

    [message] = sms(order, "order_escalated")
    assert message.recipient_phone == deputy_phone(deputy)
    assert message.body == (
        f"您好，您反映的“小区门口占道经营”（工单编号{order.number}）已转人大常委会联工委，"
        "将作为闭会期间代表建议交有关部门办理，办理情况将及时告知您。"
    )
