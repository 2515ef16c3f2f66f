"""The actions on a 选民留言 (码上找代表): answer the citizen, hand the message to the township
liaison station or to the city/county liaison body, forward it to 12345 as an accepted work
order, or close it with a note.

Each service:

1. locks the message (``lock_message``) and checks that ``actor`` may act on it now
   (``selectors.may_act``: the holder's people, never on a done or flagged message) and that
   its status allows the action, raising a Chinese domain error otherwise;
2. changes the message and writes one ``MessageEvent`` (``message_transition``);
3. writes what the change tells others to the outbox in the same transaction (the citizen's
   SMS, the new holder's in-app notices), keyed by the event.

What comes back from 12345 (refused, archived) is ``followup``'s.
"""

from __future__ import annotations

import os

from django.core.files.base import ContentFile
from django.db import transaction

from minyi.accounts.models import Role, User
from minyi.core import clock
from minyi.core.bounds import check_length
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.mashang.models import Holder, Message, MessageEventKind, MessageStatus
from minyi.mashang.selectors import may_act
from minyi.mashang.services.messages import (
    lock_message,
    message_transition,
    require_status,
    station_of,
)

ANSWER_MAX = 1000
NOTE_MAX = 500
# What each action accepts (``actions.py`` offers a button only in these states).
ANSWERABLE = (MessageStatus.OPEN, MessageStatus.RESULT)
HANDABLE = (MessageStatus.OPEN,)
CLOSABLE = (MessageStatus.OPEN, MessageStatus.RESULT)
# What the citizen's SMS says answered, when it was not the deputy.
LIAISON_BODY = "人大代表联络机构"


def _may(actor, message: Message, action: str) -> None:
    if not may_act(actor, message):
        raise InvalidTransition(f"您现在不能{action}这条留言（它不在您手中，或已办结）。")


def _text(value: str, *, label: str, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}。")
    check_length(value, label=label, max_length=max_length)
    return value


def holder_users(message: Message, holder: str | None = None) -> list[User]:
    """The active accounts that hold ``message`` (or would, as ``holder``): the deputy's own,
    the station's staff, or every liaison officer."""
    holder = holder or message.holder
    users = User.objects.filter(is_active=True)
    if holder == Holder.DEPUTY:
        users = users.filter(role=Role.DEPUTY, deputy_id=message.deputy_id)
    elif holder == Holder.STATION and message.station_id:
        users = users.filter(role=Role.STATION, station_id=message.station_id)
    elif holder == Holder.LIAISON:
        users = users.filter(role=Role.LIAISON)
    else:
        return []
    return list(users.order_by("id"))


def notices_write(message: Message, event, template: str, params: dict, users) -> list[int]:
    """In-app notices about ``message`` to ``users``, keyed by ``event``."""
    from minyi.notify.rules import Draft
    from minyi.notify.services import outbox_write

    drafts = [Draft(template, params, user=user) for user in users]
    return outbox_write(drafts, key=f"msgev{event.pk}", mashang_message_id=message.pk)


def _citizen_sms(message: Message, event, template: str, params: dict) -> list[int]:
    from minyi.notify.rules import Draft
    from minyi.notify.services import outbox_write

    if not message.phone or message.scrubbed_at:
        return []
    return outbox_write(
        [Draft(template, params, phone=message.phone)],
        key=f"msgev{event.pk}",
        mashang_message_id=message.pk,
    )


def _answered_by(actor, message: Message) -> str:
    """Who answered, in the citizen's SMS: "" for the deputy themself."""
    role = getattr(actor, "role", "")
    if role == Role.STATION and message.station_id:
        return message.station.name
    if role in (Role.STATION, Role.LIAISON):
        return LIAISON_BODY
    return ""


@transaction.atomic
def message_answer(*, message: Message, actor, text: str) -> Message:
    """答复: the answer goes to the citizen through the platform (the status page shows it; an
    SMS says it is there, never who answered's phone). The message is done."""
    text = _text(text, label="答复内容", max_length=ANSWER_MAX, required=True)
    message = lock_message(message)
    _may(actor, message, "答复")
    require_status(message, ANSWERABLE, "答复")
    now = clock.now()
    event = message_transition(
        message,
        MessageEventKind.ANSWERED,
        actor=actor,
        text=text,
        status=MessageStatus.ANSWERED,
        answer=text,
        answered_at=now,
        closed_at=now,
    )
    params = {"deputy_name": message.deputy.name, "tracking_code": message.tracking_code}
    by = _answered_by(actor, message)
    if by:
        _citizen_sms(message, event, "mashang_answered_by", {**params, "by": by})
    else:
        _citizen_sms(message, event, "mashang_answered", params)
    return message


@transaction.atomic
def message_to_station(*, message: Message, actor, note: str = "") -> Message:
    """转交联络站: a township matter goes to the deputy's liaison station (the one the message
    came through, or the deputy's own: ``station_of``), whose staff are told in the app."""
    note = _text(note, label="转交说明", max_length=NOTE_MAX, required=False)
    message = lock_message(message)
    _may(actor, message, "转交")
    require_status(message, HANDABLE, "转交联络站")
    if message.holder != Holder.DEPUTY:
        raise InvalidTransition("只有代表本人可以把留言转交联络站。")
    station = message.station or station_of(message.deputy)
    if station is None:
        raise InvalidTransition(
            "您没有所属的人大代表联络站，无法转交联络站；请直接答复或转交市县人大联络机构。"
        )
    event = message_transition(
        message,
        MessageEventKind.TO_STATION,
        actor=actor,
        text=note,
        details={"station": station.pk, "station_name": station.name},
        holder=Holder.STATION,
        station=station,
    )
    params = {"deputy_name": message.deputy.name, "tracking_code": message.tracking_code}
    notices_write(message, event, "mashang_to_station", params, holder_users(message))
    return message


@transaction.atomic
def message_to_liaison(*, message: Message, actor, note: str = "") -> Message:
    """转交市县人大联络机构: a city or county matter goes to the liaison body (联工委), whose
    officers are told in the app. The deputy or the station holding it may hand it on."""
    note = _text(note, label="转交说明", max_length=NOTE_MAX, required=False)
    message = lock_message(message)
    _may(actor, message, "转交")
    require_status(message, HANDABLE, "转交市县人大联络机构")
    if message.holder == Holder.LIAISON:
        raise InvalidTransition("留言已在市县人大联络机构办理。")
    event = message_transition(
        message, MessageEventKind.TO_LIAISON, actor=actor, text=note, holder=Holder.LIAISON
    )
    params = {"deputy_name": message.deputy.name, "tracking_code": message.tracking_code}
    notices_write(message, event, "mashang_to_liaison", params, holder_users(message))
    return message


@transaction.atomic
def message_close(*, message: Message, actor, note: str) -> Message:
    """关闭, with a note saying why (a repeat, nothing to act on, settled in person)."""
    note = _text(note, label="关闭说明", max_length=NOTE_MAX, required=True)
    message = lock_message(message)
    _may(actor, message, "关闭")
    require_status(message, CLOSABLE, "关闭")
    message_transition(
        message,
        MessageEventKind.CLOSED,
        actor=actor,
        text=note,
        status=MessageStatus.CLOSED,
        closed_at=clock.now(),
    )
    return message


# -- forward to 12345 ---------------------------------------------------------------------------

TITLE_CHARS = 30
ANONYMOUS_REQUESTER = "匿名选民"
UNNAMED_REQUESTER = "选民（未留姓名）"


def default_title(message: Message) -> str:
    """The order's title when the deputy gives none: the message's first words on one line."""
    line = " ".join((message.content or "").split())
    return line[:TITLE_CHARS] + ("…" if len(line) > TITLE_CHARS else "")


def order_content(message: Message, note: str) -> str:
    """What 12345 reads: the citizen's text, and the deputy's own words after it."""
    content = message.content.strip()
    if note:
        content += f"\n\n代表附言：{note}"
    return f"{content}\n\n（码上找代表留言，查询码{message.tracking_code}）"


@transaction.atomic
def message_forward(
    *, message: Message, actor, note: str = "", title: str = "", request_type=None
) -> Message:
    """转12345: one click makes an accepted work order (channel 码上找代表, the deputy linked,
    the citizen's text and photos carried, the citizen's contact kept for the handler — the
    privacy rule masks it to the deputy). The message waits (已转12345办理) until the order is
    refused or archived (``followup``); it stays with whoever forwarded it."""
    from minyi.orders.models import Channel
    from minyi.orders.services.dispatch import attachment_add
    from minyi.orders.services.intake import order_create
    from minyi.orders.text_limits import TITLE
    from minyi.reference.models import RequestType

    note = _text(note, label="附言", max_length=NOTE_MAX, required=False)
    title = _text(title, label="工单标题", max_length=TITLE, required=False)
    message = lock_message(message)
    _may(actor, message, "转12345")
    require_status(message, HANDABLE, "转12345")
    if message.scrubbed_at:
        raise InvalidTransition("留言的个人信息已清除，不能转12345。")
    if request_type is None:
        request_type = RequestType.objects.filter(code="help").first()
    if request_type is None:
        raise ValidationFailed("请选择诉求类型。")
    if request_type.is_report:
        # a report's requester is withheld by the privacy rule; a message is not one
        raise ValidationFailed(
            "举报类事项请告知群众直接拨打12345或向有关部门举报，不能由留言转办。"
        )
    anonymous = message.is_anonymous or not message.name
    name = message.name if not message.is_anonymous else ""
    order = order_create(
        channel=Channel.QR_MESSAGE,
        request_type=request_type,
        title=title or default_title(message),
        content=order_content(message, note),
        actor=actor,
        requester_name=name or (ANONYMOUS_REQUESTER if message.is_anonymous else UNNAMED_REQUESTER),
        requester_phone=message.phone,
        is_anonymous=anonymous,
        deputy=message.deputy,
        accept=True,
    )
    # the photos go through the one way files reach an order (checked again, an event each)
    for i, photo in enumerate(message.photos.all(), start=1):
        with photo.file.open("rb") as handle:
            data = handle.read()
        name = f"留言照片{i}{os.path.splitext(photo.file.name)[1]}"
        attachment_add(order=order, file=ContentFile(data, name=name), name=name, actor=actor)
    message_transition(
        message,
        MessageEventKind.FORWARDED,
        actor=actor,
        text=note,
        details={"order": order.number, "request_type": request_type.name},
        status=MessageStatus.FORWARDED,
        order=order,
    )
    return message
