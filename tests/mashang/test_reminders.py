"""Reminders: a message left open with the deputy reminds the deputy after 3 working days (SMS,
notice) and is shown to the deputy's station after 5, each once."""

from __future__ import annotations

import pytest

from minyi.mashang.models import Holder, MessageEvent, MessageEventKind, MessageStatus
from minyi.mashang.selectors import messages_visible_to
from minyi.mashang.services.reminders import messages_remind
from minyi.notify.models import OutboxMessage
from tests.factories import DeputyFactory, MessageFactory, at
from tests.mashang.helpers import deputy_account, station, station_staff

pytestmark = pytest.mark.django_db

# Thursday before 清明 (4/4–4/6 off): working days after it are 4/3, 4/7, 4/8, 4/9, 4/10.
THURSDAY = at(2026, 4, 2, 10)


@pytest.fixture
def yintian():
    return station()


@pytest.fixture
def message(zhang, yintian):
    return MessageFactory(
        deputy=zhang, station=yintian, created_at=THURSDAY, tracking_code="ABCD234567"
    )


def kinds(message) -> list[str]:
    return list(MessageEvent.objects.filter(message=message).values_list("kind", flat=True))


def test_the_deputy_is_not_reminded_before_the_third_working_day_has_ended(message):
    assert messages_remind(at(2026, 4, 8, 23, 0)).deputies == 0  # 清明 does not count
    assert kinds(message) == []


def test_after_three_working_days_the_deputy_gets_this_sms_and_notice_once(message, zhang):
    deputy_account(zhang)

    assert messages_remind(at(2026, 4, 9, 9)).deputies == 1
    assert messages_remind(at(2026, 4, 9, 10)).deputies == 0

    message.refresh_from_db()
    assert message.deputy_reminded_at == at(2026, 4, 9, 9)
    assert kinds(message) == [MessageEventKind.DEPUTY_REMINDED]
    sms = OutboxMessage.objects.get(template_code="mashang_remind_deputy")
    assert sms.recipient_phone == "+8613800138000"
    assert sms.body == (
        "【码上找代表】您4月2日 10:00收到的选民留言（查询码ABCD234567）已超过3个工作日未处理，"
        "请登录码上找代表及时答复。"
    )
    notice = OutboxMessage.objects.get(template_code="mashang_remind_deputy_notice")
    assert notice.recipient_user.deputy == zhang
    assert notice.mashang_message_id == message.pk  # the notice opens the message
    assert notice.body == (
        "【码上找代表】4月2日 10:00收到的选民留言（查询码ABCD234567）已超过3个工作日未处理，"
        "请及时答复。"
    )


def test_no_text_of_a_reminder_carries_the_citizens_name_or_number(message, zhang):
    deputy_account(zhang)
    messages_remind(at(2026, 4, 13, 9))

    for row in OutboxMessage.objects.all():
        assert message.name not in row.body
        assert message.phone.removeprefix("+86") not in row.body


def test_after_five_working_days_the_station_sees_it_and_its_staff_are_told_once(
    message, yintian, zhang
):
    sally = station_staff(yintian)
    assert not messages_visible_to(sally).filter(pk=message.pk).exists()

    assert messages_remind(at(2026, 4, 10, 18)).stations == 0
    assert messages_remind(at(2026, 4, 11, 8)).stations == 1
    assert messages_remind(at(2026, 4, 13, 8)).stations == 0

    message.refresh_from_db()
    assert message.station_told_at == at(2026, 4, 11, 8)
    assert message.holder == Holder.DEPUTY  # shown, not handed over: the deputy still answers
    assert kinds(message) == [MessageEventKind.DEPUTY_REMINDED, MessageEventKind.STATION_TOLD]
    assert messages_visible_to(sally).filter(pk=message.pk).exists()
    notice = OutboxMessage.objects.get(template_code="mashang_station_told")
    assert notice.recipient_user == sally
    assert notice.body == (
        "【码上找代表】代表4月2日 10:00收到的选民留言（查询码ABCD234567）"
        "已超过5个工作日未处理，请联络站督促代表答复，详见“代表待处理”。"
    )


def test_a_message_by_the_deputys_own_code_goes_to_the_deputys_station(zhang, yintian):
    from minyi.deputies.models import Level

    zhang.mandates.filter(level=Level.TOWNSHIP).update(station=yintian)
    message = MessageFactory(deputy=zhang, station=None, created_at=THURSDAY)

    messages_remind(at(2026, 4, 13, 9))

    message.refresh_from_db()
    assert message.station == yintian and message.station_told_at


@pytest.mark.parametrize(
    "fields",
    [
        {"holder": Holder.STATION},
        {"status": MessageStatus.ANSWERED},
        {"status": MessageStatus.FORWARDED},
        {"status": MessageStatus.CLOSED, "flagged": True},
    ],
)
def test_a_message_handed_over_answered_forwarded_or_flagged_reminds_nobody(zhang, fields):
    MessageFactory(deputy=zhang, created_at=THURSDAY, **fields)

    result = messages_remind(at(2026, 4, 20, 9))

    assert (result.deputies, result.stations) == (0, 0)
    assert not OutboxMessage.objects.exists()


def test_a_deputy_without_a_mobile_or_an_account_is_still_reminded_once_in_the_ledger():
    deputy = DeputyFactory(phone=None)
    message = MessageFactory(deputy=deputy, created_at=THURSDAY)

    assert messages_remind(at(2026, 4, 9, 9)).deputies == 1
    assert kinds(message) == [MessageEventKind.DEPUTY_REMINDED]
    assert not OutboxMessage.objects.exists()


def test_the_working_days_are_settings(settings, message):
    settings.MINYI_MASHANG = {**settings.MINYI_MASHANG, "DEPUTY_REMIND_WORKING_DAYS": 1}

    assert messages_remind(at(2026, 4, 4, 9)).deputies == 1  # Friday 4/3 has ended
