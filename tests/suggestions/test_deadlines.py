"""The reply deadline: 临期 (yellow) a week before the Beijing date, 逾期 (red) the day after it,
once each per round, told to the departments still owing the reply, the committee and (red) the
lead deputy; the scan is a scheduler job."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_create,
    suggestion_deadline_scan,
    suggestion_reply,
)
from tests.factories import MONDAY, at
from tests.scheduler_jobs import scheduler_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(wang, lin, dept_a, dept_b, hana, henry):
    with clock.frozen(MONDAY):
        suggestion = suggestion_create(
            title="学校门口交通安全",
            content="建议增设护学岗。",
            lead_deputy=wang.deputy,
            actor=wang,
            source="deputy",
        )
        suggestion_accept(suggestion=suggestion, actor=lin)
        suggestion_assign(
            suggestion=suggestion, actor=lin, lead_department=dept_a, assisting=[dept_b]
        )
    return suggestion  # due 2 June 2026


def bodies(code: str) -> dict[str, str]:
    rows = OutboxMessage.objects.filter(template_code=code)
    return {
        row.recipient_user.username if row.recipient_user else row.recipient_phone: row.body
        for row in rows.select_related("recipient_user")
    }


def test_nothing_is_raised_long_before_the_date(running):
    result = suggestion_deadline_scan(now=at(2026, 5, 25, 12))

    assert (result.yellow, result.red) == (0, 0)


def test_a_week_before_the_date_the_departments_still_owing_are_warned_once(running, henry):
    suggestion_reply(suggestion=running, actor=henry, content="协办意见")

    first = suggestion_deadline_scan(now=at(2026, 5, 26, 9))
    again = suggestion_deadline_scan(now=at(2026, 5, 27, 9))

    running.refresh_from_db()
    assert (first.yellow, again.yellow, running.warning) == (1, 0, "yellow")
    number = running.shown_number
    assert bodies("suggestion_yellow_handler") == {
        "hana": f"代表建议{number}“学校门口交通安全”将于6月2日到期，请抓紧答复。"
    }
    assert bodies("suggestion_yellow_liaison") == {
        "lin": f"代表建议{number}“学校门口交通安全”将于6月2日到期，尚未答复：市城市管理和综合执法局。"
    }


def test_the_day_after_the_date_it_is_overdue_and_the_deputy_is_told(running, deputy):
    assert suggestion_deadline_scan(now=at(2026, 6, 2, 23, 59)).red == 0  # still its last day

    result = suggestion_deadline_scan(now=at(2026, 6, 3, 0, 1))

    running.refresh_from_db()
    assert (result.red, running.warning) == (1, "red")
    assert running.events.order_by("id").last().kind == "overdue"
    phone = deputy.phones.get().number
    assert bodies("suggestion_overdue") == {
        phone: f"您领衔的建议“学校门口交通安全”（编号{running.shown_number}）已超过答复期限（6月2日），人大常委会联工委正在督办。"
    }
    assert suggestion_deadline_scan(now=at(2026, 6, 4, 9)).red == 0


def test_a_reply_after_the_date_counts_as_late(running, hana):
    with clock.frozen(at(2026, 6, 3, 9)):
        reply = suggestion_reply(suggestion=running, actor=hana, content="迟到的答复")

    assert not reply.on_time


def test_the_scheduler_offers_the_scan_hourly(monkeypatch):
    assert scheduler_jobs(monkeypatch)["suggestion_deadlines"] == 3600
