"""Retention: a message answered or closed more than 365 days ago loses its text and the
citizen's fields (photos deleted, event texts blanked); its events and figures stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from minyi.mashang.models import (
    Message,
    MessageEvent,
    MessageEventKind,
    MessagePhoto,
    MessageStatus,
    Rating,
)
from minyi.mashang.privacy import SCRUBBED, citizen_shown
from minyi.mashang.services.messages import message_record
from minyi.mashang.services.retention import messages_scrub
from tests.factories import MessageFactory, at
from tests.mashang.helpers import deputy_account

pytestmark = pytest.mark.django_db

ANSWERED = at(2025, 3, 2, 10)


@pytest.fixture
def answered(zhang):
    message = MessageFactory(
        deputy=zhang,
        name="王小明",
        phone="+8613712345678",
        status=MessageStatus.ANSWERED,
        answer="路灯已修好。",
        answered_at=ANSWERED,
        created_at=ANSWERED - timedelta(days=3),
        rating=Rating.SATISFIED,
        ip_digest="a" * 64,
    )
    message_record(message, MessageEventKind.CREATED, at=message.created_at)
    message_record(message, MessageEventKind.ANSWERED, text="路灯已修好。", at=ANSWERED)
    return message


def with_photo(message) -> MessagePhoto:
    photo = MessagePhoto(message=message, content_type="image/jpeg", uploaded_at=ANSWERED)
    photo.file.save("street.jpg", ContentFile(b"jpeg"), save=False)
    photo.save()
    return photo


def test_a_message_is_kept_whole_until_365_days_after_the_answer(answered):
    assert messages_scrub(ANSWERED + timedelta(days=364)).messages == 0

    answered.refresh_from_db()
    assert answered.content and answered.phone and answered.scrubbed_at is None


def test_after_the_retention_time_no_personal_data_is_left_and_the_events_stay(
    answered, zhang, django_capture_on_commit_callbacks
):
    photo = with_photo(answered)
    storage, name = photo.file.storage, photo.file.name
    later = ANSWERED + timedelta(days=366)

    with django_capture_on_commit_callbacks(execute=True):
        result = messages_scrub(later)

    assert (result.messages, result.photos) == (1, 1)
    message = Message.objects.get(pk=answered.pk)
    assert (message.content, message.name, message.phone, message.answer) == ("", "", "", "")
    assert message.content_digest == "" and message.ip_digest == ""
    assert message.scrubbed_at == later
    assert not MessagePhoto.objects.exists() and not storage.exists(name)
    # the figures stay: state, times, deputy, rating; the events without their texts
    assert (message.status, message.answered_at, message.rating) == (
        MessageStatus.ANSWERED,
        ANSWERED,
        Rating.SATISFIED,
    )
    kinds = [e.kind for e in MessageEvent.objects.filter(message=message)]
    assert kinds == [MessageEventKind.CREATED, MessageEventKind.ANSWERED, MessageEventKind.SCRUBBED]
    assert not MessageEvent.objects.filter(message=message).exclude(text="").exists()
    assert citizen_shown(deputy_account(zhang), message).label == SCRUBBED


def test_scrubbing_twice_does_it_once(answered):
    later = ANSWERED + timedelta(days=400)
    messages_scrub(later)

    assert messages_scrub(later + timedelta(days=1)).messages == 0
    assert MessageEvent.objects.filter(kind=MessageEventKind.SCRUBBED).count() == 1


def test_a_closed_message_counts_from_its_closing_and_an_open_one_is_never_scrubbed(zhang):
    old = at(2024, 1, 2, 10)
    closed = MessageFactory(
        deputy=zhang, status=MessageStatus.CLOSED, closed_at=old, created_at=old
    )
    still_open = MessageFactory(deputy=zhang, created_at=old)
    forwarded = MessageFactory(deputy=zhang, status=MessageStatus.FORWARDED, created_at=old)

    assert messages_scrub(at(2026, 1, 2, 10)).messages == 1

    closed.refresh_from_db()
    assert closed.scrubbed_at and not closed.content
    for message in (still_open, forwarded):
        message.refresh_from_db()
        assert message.content and message.scrubbed_at is None


def test_the_retention_time_is_a_setting(settings, answered):
    settings.MINYI_MASHANG = {**settings.MINYI_MASHANG, "RETENTION_DAYS": 30}

    assert messages_scrub(ANSWERED + timedelta(days=31)).messages == 1
