"""The reminder and scrub jobs: enqueued by the scheduler, runnable by hand, and what a reminder
notice looks like once delivered."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from minyi.notify.models import Notice, OutboxMessage
from minyi.notify.services import outbox_send
from tests.factories import MessageFactory, at
from tests.mashang.helpers import station, station_staff
from tests.scheduler_jobs import scheduler_jobs

pytestmark = pytest.mark.django_db


def test_the_scheduler_enqueues_the_reminders_hourly_and_the_scrub_daily(monkeypatch):
    jobs = scheduler_jobs(monkeypatch)

    assert jobs["messages_remind"] == 3600 and jobs["messages_scrub"] == 24 * 3600
    call_command("scheduler", "--once", "--mashang-every", "600", stdout=StringIO())
    assert jobs["messages_remind"] == 600


def test_by_hand_the_commands_say_what_they_did(zhang):
    from minyi.core import clock

    MessageFactory(deputy=zhang, created_at=at(2026, 4, 2, 10))
    out = StringIO()

    with clock.frozen(at(2026, 4, 9, 9)):
        call_command("messages_remind", stdout=out)
        call_command("messages_remind", stdout=out)
        call_command("messages_scrub", stdout=out)

    assert out.getvalue().splitlines() == [
        "码上找代表：提醒代表 1 条，告知联络站 0 条",
        "码上找代表：提醒代表 0 条，告知联络站 0 条",
        "码上找代表：清除个人信息 0 条留言，删除照片 0 张",
    ]


def test_the_station_staffs_notice_arrives_in_their_bell(zhang):
    from minyi.mashang.services.reminders import messages_remind

    yintian = station()
    sally = station_staff(yintian)
    MessageFactory(deputy=zhang, station=yintian, created_at=at(2026, 4, 2, 10))
    messages_remind(at(2026, 4, 13, 9))

    outbox_send(OutboxMessage.objects.get(template_code="mashang_station_told").pk)

    notice = Notice.objects.get(user=sally)
    assert notice.text.startswith("【码上找代表】代表4月2日 10:00收到的选民留言")
    assert notice.order is None
