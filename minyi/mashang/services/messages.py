"""选民留言: creating a message and recording each change of it (DESIGN §7: one event row per
change), and the citizen's rating at the end. The actions on a message (answer, hand over,
forward to 12345, close) are in ``handling``; abuse, reminders and retention in their own
modules."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from minyi.core import clock
from minyi.core.errors import DomainError, InvalidTransition, ValidationFailed
from minyi.deputies.models import LEVEL_RANK, Deputy, LiaisonStation, Mandate
from minyi.mashang.models import (
    CONTENT_MAX,
    MESSAGE_DONE,
    NAME_MAX,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    MashangCode,
    Message,
    MessageEvent,
    MessageEventKind,
    Rating,
)
from minyi.mashang.services.photos import photos_attach, photos_checked
from minyi.mashang.services.verification import check_limit, digest, mobile, sms_code_check

RECEIVED_TEMPLATE = "mashang_message_received"


def new_tracking_code() -> str:
    """A fresh tracking code (查询码): 10 upper-case letters and digits, none read for another."""
    while True:
        code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
        if not Message.objects.filter(tracking_code=code).exists():
            return code


def content_digest(content: str) -> str:
    """What makes two messages "the same text": equal after whitespace is dropped."""
    return hashlib.sha256(re.sub(r"\s+", "", content).encode()).hexdigest()


def station_of(deputy: Deputy) -> LiaisonStation | None:
    """The station a deputy's messages go to when handed over: that of their lowest-level active
    mandate that has one (the township station before the county's)."""
    mandates = Mandate.objects.active().filter(deputy=deputy, station__isnull=False)
    ranked = sorted(mandates.select_related("station"), key=lambda m: -LEVEL_RANK.get(m.level, 0))
    return ranked[0].station if ranked else None


def lock_message(message: Message) -> Message:
    return Message.objects.select_for_update().get(pk=message.pk)


def require_status(message: Message, allowed, action: str) -> None:
    if message.status not in allowed:
        raise InvalidTransition(
            f"留言当前状态为「{message.get_status_display()}」，不能{action}。",
        )


def message_record(
    message: Message,
    kind: str,
    *,
    actor=None,
    text: str = "",
    from_status: str = "",
    at=None,
    **details,
) -> MessageEvent:
    """The event row of a change to ``message`` (already saved with its new status and holder)."""
    return MessageEvent.objects.create(
        message=message,
        kind=kind,
        at=at or clock.now(),
        actor=actor,
        from_status=from_status,
        to_status=message.status,
        holder=message.holder,
        text=text,
        details=details,
    )


@transaction.atomic
def message_transition(
    message: Message, kind: str, *, actor=None, text: str = "", details=None, **changes
):
    """Change ``message`` (``changes``: status, holder, answer, …) and record the event (with
    ``details``, a dict, in its data)."""
    before = message.status
    now = clock.now()
    for field, value in changes.items():
        setattr(message, field, value)
    message.updated_at = now
    message.save(update_fields=[*changes, "updated_at"])
    return message_record(
        message, kind, actor=actor, text=text, from_status=before, at=now, **(details or {})
    )


# -- the citizen's message -----------------------------------------------------------------------


class MessageRefused(DomainError):
    """A message the service does not take (``code`` says why: ``content_required``,
    ``content_too_long``, ``name_too_long``, ``consent_required``, ``code_retired``,
    ``deputy_required``, ``deputy_invalid``, ``refused`` for a blocked number)."""

    code = "invalid"


# A blocked number is told nothing about the block: the same words as a passing failure.
BLOCKED = "暂时无法提交留言。如有急事，请拨打12345市民服务热线。"
CONSENT_REQUIRED = "请阅读并勾选同意《个人信息保护告知》后再提交。"


# What the page's form and the API's input hand to ``message_create`` as the citizen typed it.
MESSAGE_FIELDS = ("phone", "sms_code", "content", "name", "anonymous", "consent", "photos")


def message_fields(data: dict) -> dict:
    return {name: data[name] for name in MESSAGE_FIELDS}


@dataclass(frozen=True)
class Created:
    message: Message
    folded: bool  # the same text from the same phone to the same deputy: counted on the first


def _config(name: str) -> int:
    return settings.MINYI_MASHANG[name]


def deputy_for_code(code: MashangCode, deputy: Deputy | None) -> Deputy:
    """The deputy a message through ``code`` goes to: the code's own deputy, or for a station's
    code one of the station's active deputies (``MessageRefused`` for any other)."""
    if not code.is_active:
        raise MessageRefused("该二维码已失效，请扫描最新的二维码。", code="code_retired")
    if code.deputy_id:
        if deputy is not None and deputy.pk != code.deputy_id:
            raise MessageRefused("所选代表与二维码不符。", code="deputy_invalid")
        if not code.deputy.is_active:
            raise MessageRefused("该代表已不在任。", code="deputy_invalid")
        return code.deputy
    if deputy is None:
        raise MessageRefused("请先选择您要联系的代表。", code="deputy_required")
    seated = Mandate.objects.active().filter(deputy=deputy, station_id=code.station_id).exists()
    if not (seated and deputy.is_active):
        raise MessageRefused(
            "所选代表不属于本联络站，请从联络站的代表名单中选择。", code="deputy_invalid"
        )
    return deputy


def _check_text(content: str, name: str, consent: bool) -> tuple[str, str]:
    content = (content or "").replace("\r\n", "\n").strip()
    name = (name or "").strip()
    if not content:
        raise MessageRefused("请填写留言内容。", code="content_required")
    if len(content) > CONTENT_MAX:
        raise MessageRefused(
            f"留言内容最多{CONTENT_MAX}字（现为{len(content)}字）。", code="content_too_long"
        )
    if len(name) > NAME_MAX:
        raise MessageRefused(f"姓名最多{NAME_MAX}字。", code="name_too_long")
    if not consent:
        raise MessageRefused(CONSENT_REQUIRED, code="consent_required")
    return content, name


def _check_limits(*, number: str, ip_digest: str, deputy: Deputy, now) -> None:
    check_limit(
        Message.objects.filter(phone=number),
        limit=_config("MESSAGES_PER_PHONE_DAY"),
        window=timedelta(days=1),
        now=now,
        message="这个号码今天的留言已达上限",
    )
    if ip_digest:
        check_limit(
            Message.objects.filter(ip_digest=ip_digest),
            limit=_config("MESSAGES_PER_IP_HOUR"),
            window=timedelta(hours=1),
            now=now,
            message="留言过于频繁",
        )
    check_limit(
        Message.objects.filter(deputy=deputy),
        limit=_config("MESSAGES_PER_DEPUTY_HOUR"),
        window=timedelta(hours=1),
        now=now,
        message="这位代表近期收到的留言较多",
    )


def message_create(
    *,
    code: MashangCode,
    deputy: Deputy | None,
    phone: str,
    sms_code: str,
    content: str,
    name: str = "",
    anonymous: bool = False,
    consent: bool = False,
    photos=(),
    ip: str = "",
) -> Created:
    """A citizen's message to a deputy, through the code they scanned.

    1. The text, the consent and the deputy (the code's, or one of the station's) are checked and
       the number read; a blocked number is refused in neutral words (``BLOCKED``).
    2. Only then the photos are checked and re-encoded (no GPS), the costly step: all of this
       before the transaction.
    3. In one transaction: the SMS code is spent (a refusal below rolls it back unspent); the
       same text from the same phone to the same deputy while that message is not done folds
       into it (``repeats``, event REPEATED, its tracking code, no SMS); otherwise the limits
       per phone a day, per address an hour and per deputy an hour (``TooMany``), then the
       message, its photos, event CREATED and the SMS with the tracking code (outbox).
    """
    from minyi.mashang.services.abuse import phone_blocked  # abuse reads this module

    content, name = _check_text(content, name, consent)
    deputy = deputy_for_code(code, deputy)
    number = mobile(phone)
    if phone_blocked(number):
        raise MessageRefused(BLOCKED, code="refused")
    checked = photos_checked(photos)  # re-encoding is the costly step: after the cheap checks
    ip_digest = digest(ip, purpose="ip") if ip else ""
    with transaction.atomic():
        sms_code_check(phone=number, code=sms_code)
        now = clock.now()
        same = content_digest(content)
        first = (
            Message.objects.select_for_update()
            .filter(phone=number, deputy=deputy, content_digest=same)
            .exclude(status__in=MESSAGE_DONE)
            .order_by("created_at", "id")
            .first()
        )
        if first is not None:
            first.repeats += 1
            first.updated_at = now
            first.save(update_fields=["repeats", "updated_at"])
            message_record(first, MessageEventKind.REPEATED, from_status=first.status, at=now)
            return Created(message=first, folded=True)
        _check_limits(number=number, ip_digest=ip_digest, deputy=deputy, now=now)
        message = Message.objects.create(
            tracking_code=new_tracking_code(),
            via=code,
            deputy=deputy,
            station=code.station if code.station_id else station_of(deputy),
            content=content,
            content_digest=same,
            name="" if anonymous else name,
            is_anonymous=bool(anonymous or not name),
            phone=number,
            ip_digest=ip_digest,
            consent_at=now,
            created_at=now,
            updated_at=now,
        )
        photos_attach(message, checked)
        message_record(
            message, MessageEventKind.CREATED, at=now, photos=len(checked), via=code.kind
        )
        _tell_received(message)
    return Created(message=message, folded=False)


def _tell_received(message: Message) -> None:
    from minyi.notify.rules import Draft
    from minyi.notify.services import outbox_write

    outbox_write(
        [
            Draft(
                RECEIVED_TEMPLATE,
                {"deputy_name": message.deputy.name, "tracking_code": message.tracking_code},
                phone=message.phone,
            )
        ],
        key=f"mashang{message.pk}",
    )


# -- the citizen's rating ----------------------------------------------------------------------


class RatingRefused(DomainError):
    code = "rating_refused"


@transaction.atomic
def message_rate(*, message: Message, answered: bool, rating: str) -> Message:
    """The citizen's verdict once the message is answered or closed: did the deputy answer, and
    满意/基本满意/不满意. Once only (a second rating is refused politely)."""
    message = lock_message(message)
    if message.rated_at is not None:
        raise RatingRefused("您已经评价过这条留言，感谢您的反馈。", code="already_rated")
    if message.status not in MESSAGE_DONE:
        raise RatingRefused("代表答复或办结后才能评价。", code="not_answered_yet")
    if rating not in Rating.values:
        raise ValidationFailed("请选择满意、基本满意或不满意。", code="rating_invalid")
    now = clock.now()
    message.rating_answered = bool(answered)
    message.rating = rating
    message.rated_at = now
    message.updated_at = now
    message.save(update_fields=["rating_answered", "rating", "rated_at", "updated_at"])
    message_record(
        message,
        MessageEventKind.RATED,
        from_status=message.status,
        at=now,
        answered=bool(answered),
        rating=rating,
    )
    return message
