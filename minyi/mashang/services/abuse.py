"""Abuse on 码上找代表 (issue 10: "a deputy or station can flag a message as abusive, and station
staff can block a number (every such act audited)").

- ``message_flag``: the message's deputy, or the staff of its station, marks a message still
  waiting (待处理) as 恶意留言: it closes, leaves every to-do list and every responsiveness figure
  (``minyi.mashang.stats``), and the FLAGGED event keeps who, when and why.
- ``phone_block`` / ``phone_unblock``: station staff stop a number from leaving messages (a
  ``BlockedPhone`` row: the number's keyed digest and its masked form, never the number) and lift
  it again; each is an event on the message that caused it, and the row keeps who and when.
  ``phone_blocked`` is the question ``message_create`` asks.

Each refusal is a ``DomainError`` in Chinese (code ``forbidden`` for the wrong person).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from minyi.accounts.models import Role, role_of
from minyi.core import clock
from minyi.core.errors import DomainError, InvalidTransition, ValidationFailed
from minyi.core.masking import mask_phone
from minyi.mashang.models import BlockedPhone, Message, MessageEventKind, MessageStatus
from minyi.mashang.selectors import messages_visible_to
from minyi.mashang.services.messages import lock_message, message_record, require_status
from minyi.mashang.services.verification import digest

REASON_MAX = 200
ALREADY_BLOCKED = "这个号码已被屏蔽。"


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写理由。", code="reason_required")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(f"理由不能超过{REASON_MAX}字。", code="reason_too_long")
    return reason


def phone_digest(number: str) -> str:
    """The keyed digest a block is kept under (the SMS codes' own, for the same number)."""
    return digest(number, purpose="phone")


def phone_blocked(number: str) -> bool:
    """Whether ``number`` (E.164) is blocked from leaving messages now."""
    return BlockedPhone.objects.filter(
        phone_digest=phone_digest(number), lifted_at__isnull=True
    ).exists()


def may_flag(user, message: Message) -> bool:
    """The message's deputy, or staff of its station once it is theirs to see."""
    return (
        role_of(user) in (Role.DEPUTY, Role.STATION)
        and messages_visible_to(user).filter(pk=message.pk).exists()
    )


def may_block(user, message: Message) -> bool:
    """Station staff, on a message of their station they can see."""
    return (
        role_of(user) == Role.STATION
        and bool(user.station_id)
        and message.station_id == user.station_id
        and messages_visible_to(user).filter(pk=message.pk).exists()
    )


@transaction.atomic
def message_flag(*, message: Message, actor, reason: str) -> Message:
    message = lock_message(message)
    if not may_flag(actor, message):
        raise DomainError(
            "只有收到留言的代表或其联络站的工作人员可以标记恶意留言。", code="forbidden"
        )
    if message.flagged:
        raise InvalidTransition("这条留言已标记为恶意留言。")
    require_status(message, {MessageStatus.OPEN}, "标记为恶意留言")
    reason = _reason(reason)
    now = clock.now()
    before = message.status
    message.flagged = True
    message.status = MessageStatus.CLOSED
    message.closed_at = message.updated_at = now
    message.save(update_fields=["flagged", "status", "closed_at", "updated_at"])
    message_record(
        message, MessageEventKind.FLAGGED, actor=actor, text=reason, from_status=before, at=now
    )
    return message


@transaction.atomic
def phone_block(*, message: Message, actor, reason: str) -> BlockedPhone:
    message = lock_message(message)
    if not may_block(actor, message):
        raise DomainError("只有留言所在联络站的工作人员可以屏蔽号码。", code="forbidden")
    if not message.phone:
        raise InvalidTransition("这条留言已没有号码可以屏蔽。")
    reason = _reason(reason)
    key = phone_digest(message.phone)
    if BlockedPhone.objects.filter(phone_digest=key, lifted_at=None).exists():
        raise InvalidTransition(ALREADY_BLOCKED)
    now = clock.now()
    try:
        # one live block per number (a constraint): another block of it at the same moment
        # waits here on PostgreSQL and fails once that one commits
        with transaction.atomic():
            block = BlockedPhone.objects.create(
                phone_digest=key,
                phone_masked=mask_phone(message.phone),
                station_id=actor.station_id,
                message=message,
                reason=reason,
                blocked_by=actor,
                blocked_at=now,
            )
    except IntegrityError:
        raise InvalidTransition(ALREADY_BLOCKED) from None
    message_record(
        message, MessageEventKind.PHONE_BLOCKED, actor=actor, text=reason, at=now, block=block.pk
    )
    return block


def blocks_of(user):
    """The blocks ``user`` manages: their station's (station staff), none for anyone else."""
    if role_of(user) != Role.STATION or not user.station_id:
        return BlockedPhone.objects.none()
    return BlockedPhone.objects.filter(station_id=user.station_id)


@transaction.atomic
def phone_unblock(*, block: BlockedPhone, actor) -> BlockedPhone:
    block = BlockedPhone.objects.select_for_update().get(pk=block.pk)
    if not blocks_of(actor).filter(pk=block.pk).exists():
        raise DomainError("只有屏蔽该号码的联络站的工作人员可以解除。", code="forbidden")
    if block.lifted_at:
        raise InvalidTransition("这个号码的屏蔽已经解除。")
    now = clock.now()
    block.lifted_by, block.lifted_at = actor, now
    block.save(update_fields=["lifted_by", "lifted_at"])
    if block.message_id:
        message = lock_message(block.message)
        message_record(
            message, MessageEventKind.PHONE_UNBLOCKED, actor=actor, at=now, block=block.pk
        )
    return block
