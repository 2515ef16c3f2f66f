"""The 跟踪督办 reminder job: the department's handlers are reminded a few working days before the
plan date and told once it has passed without a done report; once per plan date, whatever how
often the job runs."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.orders.models import EventKind, Tracking
from minyi.orders.services.tracking import (
    tracking_done,
    tracking_progress,
    tracking_scan,
    working_days_before,
)
from minyi.workdays.models import DayKind
from minyi.workdays.services import special_day_save
from tests.factories import MONDAY, at, events, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(hana, carl):
    # plan date Friday 2026-03-20
    return make_order("tracking", at=MONDAY, handler=hana, agent=carl)


def scan(*moment: int):
    with clock.frozen(at(*moment)):
        return tracking_scan()


def notices(order, code):
    return list(
        OutboxMessage.objects.filter(order=order, template_code=code).values_list(
            "recipient_user__username", "body"
        )
    )


def test_the_reminder_comes_three_working_days_before_the_plan_date(tracked):
    assert scan(2026, 3, 16, 9).reminded == 0  # Monday: four working days before
    assert scan(2026, 3, 17, 9).reminded == 1  # Tuesday: three

    assert notices(tracked, "tracking_remind_handler") == [
        (
            "hana",
            f"【跟踪督办】工单{tracked.number}“小区门口占道经营”计划于3月20日前完成，"
            "请按期办结并报告。",
        )
    ]
    [event] = events(tracked, EventKind.TRACKING_REMINDED)
    assert event.data["plan_due"] == "2026-03-20"


def test_running_the_job_again_reminds_nobody_twice(tracked):
    scan(2026, 3, 17, 9)
    scan(2026, 3, 17, 10)
    scan(2026, 3, 18, 9)

    assert len(events(tracked, EventKind.TRACKING_REMINDED)) == 1
    assert len(notices(tracked, "tracking_remind_handler")) == 1


def test_the_number_of_working_days_is_a_setting(tracked, settings):
    settings.TRACKING_REMIND_WORKING_DAYS = 5

    assert scan(2026, 3, 13, 9).reminded == 1  # Friday before: five working days


def test_the_working_days_skip_weekends_and_holidays(ada):
    special_day_save(day=date(2026, 3, 19), kind=DayKind.HOLIDAY, name="临时放假", actor=ada)

    assert working_days_before(date(2026, 3, 23), 3) == date(2026, 3, 17)


def test_an_overdue_plan_is_told_once_after_its_date(tracked):
    scan(2026, 3, 20, 18)
    assert scan(2026, 3, 21, 9).overdue == 1
    assert scan(2026, 3, 23, 9).overdue == 0

    assert notices(tracked, "tracking_overdue_handler") == [
        (
            "hana",
            f"【跟踪督办】工单{tracked.number}“小区门口占道经营”已超过计划完成时间3月20日，"
            "请尽快办结并报告。",
        )
    ]


def test_a_new_plan_date_gets_its_own_reminder(tracked, hana):
    scan(2026, 3, 17, 9)
    with clock.frozen(at(2026, 3, 18, 9)):
        tracking_progress(order=tracked, text="材料未到", plan_due=date(2026, 3, 27), actor=hana)

    assert scan(2026, 3, 21, 9).overdue == 0  # the old date no longer counts
    assert scan(2026, 3, 24, 9).reminded == 1
    assert Tracking.objects.get(order=tracked).reminded_for == date(2026, 3, 27)


def test_a_done_report_stops_the_reminders(tracked, hana):
    with clock.frozen(at(2026, 3, 16, 9)):
        tracking_done(order=tracked, text="已建成", actor=hana)

    assert (scan(2026, 3, 17, 9).reminded, scan(2026, 3, 23, 9).overdue) == (0, 0)
    assert not events(tracked, EventKind.TRACKING_REMINDED)
