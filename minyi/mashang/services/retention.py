"""Retention of 码上找代表 messages (个人信息保护法; issue 10: "Message text and the citizen's
personal fields are scrubbed after a configurable time after closing (default 365 days); the
events stay, without the personal data").

``messages_scrub`` (daily, from the scheduler) takes each message answered or closed more than
``RETENTION_DAYS`` days ago and not yet scrubbed, and in one transaction per message:

1. blanks the content (and its digest), the name, the phone, the sender's address digest and
   the answer;
2. deletes the photos' rows, and their files once the transaction has committed;
3. blanks the ``text`` of every event of the message (answers, notes, reasons);
4. sets ``scrubbed_at`` and writes one SCRUBBED event.

What stays: the message's states, times, deputy, station, rating and the events' kinds, times and
actors — the counts and the responsiveness figures. A forwarded message's work order is the
hotline's record and keeps its own rules. Running it again finds nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from minyi.core import clock
from minyi.mashang.models import Message, MessageEvent, MessageEventKind, MessageStatus
from minyi.mashang.services.messages import lock_message, message_record


def retention_days() -> int:
    return int(settings.MINYI_MASHANG["RETENTION_DAYS"])


def _expired(cutoff: datetime) -> Q:
    return Q(status=MessageStatus.CLOSED, closed_at__lt=cutoff) | Q(
        status=MessageStatus.ANSWERED, answered_at__lt=cutoff
    )


def scrub_due(now: datetime | None = None):
    """The messages whose personal data has served its time and is still there."""
    cutoff = (now or clock.now()) - timedelta(days=retention_days())
    return Message.objects.filter(_expired(cutoff), scrubbed_at__isnull=True)


@dataclass
class ScrubResult:
    messages: int = 0
    photos: int = 0

    def __str__(self) -> str:
        return f"码上找代表：清除个人信息 {self.messages} 条留言，删除照片 {self.photos} 张"


def messages_scrub(now: datetime | None = None) -> ScrubResult:
    now = now or clock.now()
    result = ScrubResult()
    for pk in scrub_due(now).order_by("id").values_list("pk", flat=True):
        photos = _scrub(pk, now)
        if photos is not None:
            result.messages += 1
            result.photos += photos
    return result


@transaction.atomic
def _scrub(pk: int, now: datetime) -> int | None:
    """Scrub one message; None when another run (or a new state) came first."""
    message = lock_message(Message(pk=pk))
    cutoff = now - timedelta(days=retention_days())
    if message.scrubbed_at or not Message.objects.filter(_expired(cutoff), pk=pk).exists():
        return None
    photos = list(message.photos.all())
    files = [(photo.file.storage, photo.file.name) for photo in photos if photo.file]
    message.photos.all().delete()
    transaction.on_commit(lambda: _delete_files(files))
    MessageEvent.objects.filter(message=message).exclude(text="").update(text="")
    message.content = message.content_digest = message.name = message.phone = message.answer = ""
    message.ip_digest = ""
    message.scrubbed_at = message.updated_at = now
    message.save(
        update_fields=[
            "content",
            "content_digest",
            "name",
            "phone",
            "answer",
            "ip_digest",
            "scrubbed_at",
            "updated_at",
        ]
    )
    message_record(
        message,
        MessageEventKind.SCRUBBED,
        at=now,
        from_status=message.status,
        photos=len(photos),
        retention_days=retention_days(),
    )
    return len(photos)


def _delete_files(files) -> None:
    for storage, name in files:
        storage.delete(name)
