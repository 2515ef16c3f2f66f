"""Reminders of 码上找代表 messages the deputy leaves waiting (issue 10: "a message unanswered
after N working days (default 3) reminds the deputy; after M (default 5) it is shown to the
deputy's station").

``messages_remind`` (the scheduler's hourly job, ``--mashang-every``) looks at the messages still
open with the deputy (holder deputy, status 待处理, not flagged):

1. after ``DEPUTY_REMIND_WORKING_DAYS`` working days: the deputy is reminded once — event
   DEPUTY_REMINDED, ``deputy_reminded_at``, an SMS to the deputy's mobile and an in-app notice
   when the deputy has an account;
2. after ``STATION_TELL_WORKING_DAYS`` working days: the message is shown to the deputy's station
   once — event STATION_TOLD, ``station_told_at`` (from then on the station's staff see it,
   ``selectors.messages_visible_to``), an in-app notice to each of the station's staff.

"After N working days" is the workdays calendar's (DESIGN §4): the day the message came does not
count, and the N-th working day after it must have ended. Each step locks the message and checks
again, so two runs at once remind once; running it twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from minyi.core import clock, timefmt
from minyi.mashang.models import Holder, Message, MessageEventKind, MessageStatus
from minyi.mashang.services.handling import holder_users, notices_write
from minyi.mashang.services.messages import lock_message, message_record, station_of
from minyi.workdays.calendar import WorkCalendar, get_calendar

DEPUTY_SMS = "mashang_remind_deputy"
DEPUTY_NOTICE = "mashang_remind_deputy_notice"
STATION_NOTICE = "mashang_station_told"


def _setting(name: str) -> int:
    return int(settings.MINYI_MASHANG[name])


def waited_long_enough(since: datetime, now: datetime, days: int, cal: WorkCalendar) -> bool:
    """Whether the ``days``-th working day after ``since``'s date has ended by ``now``."""
    return cal.add_working_days(since, days).at < now


def working_days_waited(since: datetime, now: datetime, cal: WorkCalendar) -> int:
    """Whole working days from ``since`` to ``now``: the day of ``since`` does not count, a
    working day counts once it has ended (today does not count until midnight)."""
    first = timefmt.local_date(since)
    today = timefmt.local_date(now)
    day, count = first + timedelta(days=1), 0
    while day < today:
        count += cal.is_workday(day)
        day += timedelta(days=1)
    return count


@dataclass
class RemindResult:
    deputies: int = 0
    stations: int = 0

    def __str__(self) -> str:
        return f"码上找代表：提醒代表 {self.deputies} 条，告知联络站 {self.stations} 条"


def _waiting(now: datetime, days: int):
    # N working days are at least N calendar days: newer messages need no look
    return Message.objects.filter(
        holder=Holder.DEPUTY,
        status=MessageStatus.OPEN,
        flagged=False,
        created_at__lt=now - timedelta(days=days),
    ).order_by("created_at", "id")


def messages_remind(now: datetime | None = None) -> RemindResult:
    """Remind the deputies and tell the stations, each once per message (module docstring)."""
    now = now or clock.now()
    cal = get_calendar()
    result = RemindResult()
    remind_days = _setting("DEPUTY_REMIND_WORKING_DAYS")
    tell_days = _setting("STATION_TELL_WORKING_DAYS")
    due = _waiting(now, remind_days).filter(deputy_reminded_at__isnull=True)
    for message in due.only("pk", "created_at"):
        if waited_long_enough(message.created_at, now, remind_days, cal):
            result.deputies += _remind_deputy(message.pk, now, remind_days)
    due = _waiting(now, tell_days).filter(station_told_at__isnull=True)
    for message in due.only("pk", "created_at"):
        if waited_long_enough(message.created_at, now, tell_days, cal):
            result.stations += _tell_station(message.pk, now, tell_days)
    return result


def _still_waiting(message: Message) -> bool:
    return (
        message.holder == Holder.DEPUTY
        and message.status == MessageStatus.OPEN
        and not message.flagged
    )


def _params(message: Message, days: int) -> dict[str, str]:
    return {
        "received": timefmt.sms_text(message.created_at),
        "tracking_code": message.tracking_code,
        "days": str(days),
    }


@transaction.atomic
def _remind_deputy(pk: int, now: datetime, days: int) -> int:
    from minyi.notify.rules import Draft, deputy_mobile
    from minyi.notify.services import outbox_write

    message = lock_message(Message(pk=pk))  # another run may have come first: look again
    if message.deputy_reminded_at or not _still_waiting(message):
        return 0
    message.deputy_reminded_at = now
    message.save(update_fields=["deputy_reminded_at"])
    event = message_record(message, MessageEventKind.DEPUTY_REMINDED, at=now, working_days=days)
    params = _params(message, days)
    phone = deputy_mobile(message.deputy_id)
    if phone:
        sms = [Draft(DEPUTY_SMS, params, phone=phone)]
        outbox_write(sms, key=f"msgev{event.pk}", mashang_message_id=message.pk)
    notices_write(message, event, DEPUTY_NOTICE, params, holder_users(message, Holder.DEPUTY))
    return 1


@transaction.atomic
def _tell_station(pk: int, now: datetime, days: int) -> int:
    message = lock_message(Message(pk=pk))
    if message.station_told_at or not _still_waiting(message):
        return 0
    fields = ["station_told_at"]
    if message.station_id is None:  # came by the deputy's own code: the deputy's station
        message.station = station_of(message.deputy)
        fields.append("station")
    if message.station_id is None:
        return 0  # a deputy with no station: nobody to tell (the deputy was reminded)
    message.station_told_at = now
    message.save(update_fields=fields)
    event = message_record(message, MessageEventKind.STATION_TOLD, at=now, working_days=days)
    params = _params(message, days)
    notices_write(message, event, STATION_NOTICE, params, holder_users(message, Holder.STATION))
    return 1
