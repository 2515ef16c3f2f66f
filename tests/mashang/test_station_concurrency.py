"""At the same moment (PostgreSQL, threads on their own connections): two reminder jobs remind
the deputy and tell the station once (each step locks the message and looks again); two staff
blocking one number make one block (a constraint)."""

from __future__ import annotations

import pytest

from minyi.mashang.models import MessageEvent, MessageEventKind
from minyi.mashang.services.reminders import messages_remind
from minyi.notify.models import OutboxMessage
from tests.factories import MessageFactory, at
from tests.mashang.helpers import station, station_staff
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reminder_jobs_at_once_remind_once_and_tell_the_station_once(zhang):
    yintian = station()
    station_staff(yintian)
    message = MessageFactory(deputy=zhang, station=yintian, created_at=at(2026, 4, 2, 10))
    later = at(2026, 4, 13, 9)

    results = run_together(lambda: messages_remind(later), lambda: messages_remind(later))

    assert sorted(r.deputies for _, r in results) == [0, 1], results
    assert sorted(r.stations for _, r in results) == [0, 1], results
    kinds = MessageEvent.objects.filter(message=message).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(
        [MessageEventKind.DEPUTY_REMINDED, MessageEventKind.STATION_TOLD]
    )
    assert OutboxMessage.objects.filter(template_code="mashang_remind_deputy").count() == 1
    assert OutboxMessage.objects.filter(template_code="mashang_station_told").count() == 1


def test_two_staff_blocking_one_number_at_once_make_one_block(zhang):
    from minyi.core.errors import InvalidTransition
    from minyi.mashang.models import BlockedPhone
    from minyi.mashang.services.abuse import phone_block
    from tests.mashang.helpers import handed_to_station

    yintian = station()
    sally, sue = station_staff(yintian), station_staff(yintian, "sue")
    first = handed_to_station(deputy=zhang, station=yintian, phone="+8613712345678")
    second = handed_to_station(deputy=zhang, station=yintian, phone="+8613712345678")

    results = run_together(
        lambda: phone_block(message=first, actor=sally, reason="广告"),
        lambda: phone_block(message=second, actor=sue, reason="广告"),
    )

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    assert any(isinstance(v, InvalidTransition) for _, v in results)
    assert BlockedPhone.objects.count() == 1
