"""The actions on a message (minyi/mashang/services/handling.py): answer, hand to the station or
the liaison body, forward to 12345, close — each one event, each refused in Chinese when the
message is not the actor's to act on."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from minyi.core import clock
from minyi.core.errors import DomainError, InvalidTransition, ValidationFailed
from minyi.mashang.models import Holder, MessageEventKind, MessagePhoto, MessageStatus
from minyi.mashang.services.handling import (
    message_answer,
    message_close,
    message_forward,
    message_to_liaison,
    message_to_station,
)
from minyi.orders.models import Channel, Status
from minyi.privacy.rules import requester_shown
from minyi.reference.models import RequestType
from tests.factories import DeputyFactory, UserFactory
from tests.mashang.deputy_side import (
    CITIZEN_MASKED,
    CITIZEN_PHONE,
    liaison_officer,
    message_to,
    notices_of,
    sms_to,
    station_and_deputy,
    station_staff,
)
from tests.mashang.helpers import jpeg_with_gps

pytestmark = pytest.mark.django_db


def kinds(message):
    return list(message.events.values_list("kind", flat=True))


def test_the_deputy_answers_and_the_citizen_is_told_by_sms_in_exact_words():
    _, wang, user = station_and_deputy()
    message = message_to(wang, tracking_code="ABCDEFGH23")

    message = message_answer(message=message, actor=user, text="已联系社区，路灯本周修好。")

    assert message.status == MessageStatus.ANSWERED
    assert message.answer == "已联系社区，路灯本周修好。"
    assert message.answered_at and message.closed_at
    assert kinds(message) == [MessageEventKind.ANSWERED]
    [sms] = sms_to(CITIZEN_PHONE, "mashang_answered")
    assert sms.body == (
        "【码上找代表】王代表代表已答复您的留言（查询码ABCDEFGH23），请凭查询码和手机号查看。"
    )


def test_the_answer_sms_never_carries_the_deputy_phone():
    _, wang, user = station_and_deputy()
    message = message_to(wang)

    message_answer(message=message, actor=user, text="收到，已处理。")

    [sms] = sms_to(CITIZEN_PHONE, "mashang_answered")
    for phone in wang.phones.values_list("number", flat=True):
        assert phone[3:] not in sms.body


def test_an_empty_answer_is_refused_and_nothing_changes():
    _, wang, user = station_and_deputy()
    message = message_to(wang)

    with pytest.raises(ValidationFailed, match="请填写答复内容"):
        message_answer(message=message, actor=user, text="  ")

    message.refresh_from_db()
    assert message.status == MessageStatus.OPEN and not kinds(message)


def test_another_deputy_cannot_answer_a_message_that_is_not_theirs():
    _, wang, _ = station_and_deputy()
    other = UserFactory(role="deputy", deputy=DeputyFactory(name="赵代表"))
    message = message_to(wang)

    with pytest.raises(InvalidTransition, match="不能答复这条留言"):
        message_answer(message=message, actor=other, text="越权答复")


def test_an_answered_message_cannot_be_answered_again():
    _, wang, user = station_and_deputy()
    message = message_to(wang)
    message_answer(message=message, actor=user, text="第一次")

    with pytest.raises(DomainError):
        message_answer(message=message, actor=user, text="第二次")


def test_handing_to_the_station_tells_its_staff_and_lets_them_answer():
    station, wang, user = station_and_deputy()
    sun = station_staff(station)
    message = message_to(wang, tracking_code="STATION234")

    message = message_to_station(message=message, actor=user, note="镇里的事，请站里协调。")

    assert (message.holder, message.station) == (Holder.STATION, station)
    event = message.events.get()
    assert event.kind == MessageEventKind.TO_STATION and event.text == "镇里的事，请站里协调。"
    assert notices_of(sun) == [
        "【选民留言】王代表代表转来一条选民留言（查询码STATION234），请及时处理。"
    ]
    with pytest.raises(InvalidTransition):  # it is no longer the deputy's to act on
        message_answer(message=message, actor=user, text="我来答")
    message = message_answer(message=message, actor=sun, text="站里已协调解决。")
    [sms] = sms_to(CITIZEN_PHONE, "mashang_answered_by")
    assert sms.body == (
        "【码上找代表】您给王代表代表的留言已由银田镇人大代表联络站答复（查询码STATION234），"
        "请凭查询码和手机号查看。"
    )


def test_a_deputy_without_a_station_is_told_clearly_they_cannot_hand_to_one():
    lonely = DeputyFactory(name="钱代表")
    user = UserFactory(role="deputy", deputy=lonely)
    message = message_to(lonely)

    with pytest.raises(InvalidTransition, match="您没有所属的人大代表联络站"):
        message_to_station(message=message, actor=user)
    message.refresh_from_db()
    assert message.holder == Holder.DEPUTY


def test_handing_to_the_liaison_body_tells_the_officers():
    _, wang, user = station_and_deputy()
    liu = liaison_officer()
    message = message_to(wang, tracking_code="LIAISON234")

    message = message_to_liaison(message=message, actor=user, note="涉及全县")

    assert message.holder == Holder.LIAISON
    assert notices_of(liu) == [
        "【选民留言】王代表代表的一条选民留言（查询码LIAISON234）已转交市县人大联络机构，请及时处理。"
    ]
    message_answer(message=message, actor=liu, text="已转县交通局研究。")
    [sms] = sms_to(CITIZEN_PHONE, "mashang_answered_by")
    assert "已由人大代表联络机构答复" in sms.body


def test_closing_needs_a_note():
    _, wang, user = station_and_deputy()
    message = message_to(wang)

    with pytest.raises(ValidationFailed, match="请填写关闭说明"):
        message_close(message=message, actor=user, note="")
    message = message_close(message=message, actor=user, note="与此前留言重复，已当面说明。")

    assert message.status == MessageStatus.CLOSED and message.closed_at
    assert message.events.get().text == "与此前留言重复，已当面说明。"


def test_forwarding_makes_an_accepted_order_with_the_citizen_kept_for_the_hotline():
    _, wang, user = station_and_deputy()
    message = message_to(wang, name="王小明", content="村口桥梁护栏断了，很危险。")
    photo = jpeg_with_gps()
    MessagePhoto.objects.create(
        message=message,
        file=ContentFile(photo.read(), name="p.jpg"),
        content_type="image/jpeg",
        size=photo.size,
        uploaded_at=clock.now(),
    )

    message = message_forward(
        message=message, actor=user, note="请尽快处理", title="村口桥梁护栏损坏"
    )

    order = message.order
    assert message.status == MessageStatus.FORWARDED and message.holder == Holder.DEPUTY
    assert (order.channel, order.status, order.deputy) == (
        Channel.QR_MESSAGE,
        Status.ACCEPTED,
        wang,
    )
    assert order.title == "村口桥梁护栏损坏"
    assert order.content.startswith("村口桥梁护栏断了，很危险。")
    assert "代表附言：请尽快处理" in order.content
    assert (order.requester_name, order.requester_phone) == ("王小明", CITIZEN_PHONE)
    assert not order.is_anonymous
    assert order.request_type.code == "help"
    [attachment] = order.attachments.all()
    assert attachment.name == "留言照片1.jpg" and attachment.content_type == "image/jpeg"
    assert b"TestCam" not in attachment.file.read()  # checked again on the way: no metadata
    event = message.events.get()
    assert event.kind == MessageEventKind.FORWARDED and event.details["order"] == order.number
    # the deputy reads the citizen masked on the order, never in full
    shown = requester_shown(user, order)
    assert shown.phone == CITIZEN_MASKED and CITIZEN_PHONE[3:] not in shown.label


def test_an_anonymous_message_is_forwarded_as_an_anonymous_order():
    _, wang, user = station_and_deputy()
    message = message_to(wang, name="", is_anonymous=True)

    order = message_forward(message=message, actor=user).order

    assert order.is_anonymous and order.requester_name == "匿名选民"
    assert order.requester_phone == CITIZEN_PHONE
    assert requester_shown(user, order).label == "匿名"


def test_a_report_cannot_be_forwarded_as_a_message():
    _, wang, user = station_and_deputy()
    message = message_to(wang)

    with pytest.raises(ValidationFailed, match="举报类事项"):
        message_forward(
            message=message, actor=user, request_type=RequestType.objects.get(code="report")
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.OPEN and message.order is None


def test_a_forwarded_message_waits_for_12345():
    _, wang, user = station_and_deputy()
    message = message_forward(message=message_to(wang), actor=user)

    with pytest.raises(InvalidTransition, match="已转12345办理"):
        message_answer(message=message, actor=user, text="先答复")
    with pytest.raises(InvalidTransition):
        message_close(message=message, actor=user, note="关闭")
