"""Abuse: the deputy or the station flags a message (it closes, audited); station staff block
and unblock a number (masked, audited); everyone else is refused and nothing changes."""

from __future__ import annotations

import pytest

from minyi.core.errors import DomainError, InvalidTransition, ValidationFailed
from minyi.mashang.models import BlockedPhone, MessageEvent, MessageEventKind, MessageStatus
from minyi.mashang.services.abuse import (
    message_flag,
    phone_block,
    phone_blocked,
    phone_unblock,
)
from tests.factories import MessageFactory, UserFactory
from tests.mashang.helpers import (
    deputy_account,
    handed_to_station,
    liaison_officer,
    station,
    station_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def yintian():
    return station()


@pytest.fixture
def sally(yintian):
    return station_staff(yintian)


def events(message, kind):
    return list(MessageEvent.objects.filter(message=message, kind=kind))


def test_the_deputy_flags_a_message_it_closes_as_abusive_with_who_and_why(zhang):
    zora = deputy_account(zhang)
    message = MessageFactory(deputy=zhang)

    message_flag(message=message, actor=zora, reason="辱骂代表")

    message.refresh_from_db()
    assert message.flagged and message.status == MessageStatus.CLOSED and message.closed_at
    (event,) = events(message, MessageEventKind.FLAGGED)
    assert (event.actor, event.text, event.from_status) == (zora, "辱骂代表", "open")


def test_station_staff_flag_a_message_handed_to_their_station(yintian, sally):
    message = handed_to_station(station=yintian)

    message_flag(message=message, actor=sally, reason="广告")

    assert events(message, MessageEventKind.FLAGGED)[0].actor == sally


@pytest.mark.parametrize("who", ["another_deputy", "other_station", "liaison", "operator"])
def test_anyone_else_may_not_flag_and_the_message_stays_open(who, zhang, yintian):
    from tests.factories import DeputyFactory

    message = handed_to_station(deputy=zhang, station=yintian)
    actor = {
        "another_deputy": lambda: deputy_account(DeputyFactory(), "otto"),
        "other_station": lambda: station_staff(station("韶山市联络站"), "oscar"),
        "liaison": liaison_officer,
        "operator": lambda: UserFactory(username="olga"),
    }[who]()

    with pytest.raises(DomainError) as refused:
        message_flag(message=message, actor=actor, reason="广告")

    assert refused.value.code == "forbidden"
    message.refresh_from_db()
    assert not message.flagged and message.status == MessageStatus.OPEN
    assert not MessageEvent.objects.filter(message=message).exists()


def test_a_flag_needs_a_reason_and_a_message_still_waiting(zhang):
    zora = deputy_account(zhang)
    with pytest.raises(ValidationFailed, match="请填写理由"):
        message_flag(message=MessageFactory(deputy=zhang), actor=zora, reason="  ")
    answered = MessageFactory(deputy=zhang, status=MessageStatus.ANSWERED)
    with pytest.raises(InvalidTransition, match="已答复"):
        message_flag(message=answered, actor=zora, reason="广告")


def test_station_staff_block_a_number_kept_masked_and_as_a_digest_only(yintian, sally):
    message = handed_to_station(station=yintian, phone="+8613712345678")

    block = phone_block(message=message, actor=sally, reason="反复发送广告")

    assert block.phone_masked == "137****5678"
    assert "13712345678" not in block.phone_digest
    assert (block.station, block.blocked_by, block.reason) == (yintian, sally, "反复发送广告")
    assert phone_blocked("+8613712345678")
    (event,) = events(message, MessageEventKind.PHONE_BLOCKED)
    assert (event.actor, event.text) == (sally, "反复发送广告")


def test_a_number_already_blocked_is_not_blocked_twice(yintian, sally):
    message = handed_to_station(station=yintian)
    phone_block(message=message, actor=sally, reason="广告")

    with pytest.raises(InvalidTransition, match="已被屏蔽"):
        phone_block(message=message, actor=sally, reason="广告")
    assert BlockedPhone.objects.count() == 1


def test_a_deputy_or_a_liaison_officer_may_not_block_a_number(zhang, yintian):
    message = handed_to_station(deputy=zhang, station=yintian)
    for actor in (deputy_account(zhang), liaison_officer()):
        with pytest.raises(DomainError, match="只有留言所在联络站的工作人员可以屏蔽号码"):
            phone_block(message=message, actor=actor, reason="广告")
    assert not BlockedPhone.objects.exists()


def test_station_staff_may_not_block_from_a_message_their_station_does_not_see(yintian, sally):
    message = MessageFactory(station=yintian)  # still with the deputy, not shown to the station

    with pytest.raises(DomainError):
        phone_block(message=message, actor=sally, reason="广告")


def test_lifting_a_block_keeps_the_row_with_who_lifted_it(yintian, sally):
    message = handed_to_station(station=yintian, phone="+8613712345678")
    block = phone_block(message=message, actor=sally, reason="广告")

    phone_unblock(block=block, actor=sally)

    block.refresh_from_db()
    assert block.lifted_by == sally and block.lifted_at
    assert not phone_blocked("+8613712345678")
    assert events(message, MessageEventKind.PHONE_UNBLOCKED)[0].actor == sally
    with pytest.raises(InvalidTransition, match="已经解除"):
        phone_unblock(block=block, actor=sally)


def test_staff_of_another_station_may_not_lift_a_block(yintian, sally):
    block = phone_block(message=handed_to_station(station=yintian), actor=sally, reason="广告")
    oscar = station_staff(station("韶山市联络站"), "oscar")

    with pytest.raises(DomainError) as refused:
        phone_unblock(block=block, actor=oscar)

    assert refused.value.code == "forbidden"
    block.refresh_from_db()
    assert block.lifted_at is None
