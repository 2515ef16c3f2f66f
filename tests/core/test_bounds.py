"""The product's years (2000–2099) and the one-year horizon of a deadline, checked once in
``minyi.core.bounds`` and by every service that takes a date from its caller."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from minyi.core import bounds
from minyi.core.errors import ValidationFailed
from minyi.deputies.models import Mandate
from minyi.deputies.services import mandate_end
from minyi.workdays.services import calendar_year_publish, special_day_save
from tests.factories import MONDAY, DeputyFactory, MandateFactory, at


@pytest.mark.parametrize(
    "value",
    [date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), at(9999, 12, 31, 23, 59), at(1, 1, 1)],
)
def test_a_date_outside_2000_to_2099_is_refused(value):
    with pytest.raises(ValidationFailed, match="2000 年至 2099 年之间"):
        bounds.check_date(value, label="日期")


@pytest.mark.parametrize("value", [None, date(2000, 1, 1), date(2099, 12, 31), MONDAY])
def test_a_date_inside_passes(value):
    bounds.check_date(value, label="日期")


def test_midnight_of_new_year_2000_in_beijing_is_inside_though_utc_is_still_1999():
    assert bounds.date_allowed(at(2000, 1, 1))
    assert bounds.date_allowed(at(2000, 1, 1).astimezone(UTC))
    assert not bounds.date_allowed(at(2100, 1, 1))
    assert not bounds.date_allowed(datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    assert not bounds.date_allowed(datetime(1, 1, 1, tzinfo=UTC))


def test_a_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValidationFailed, match="时区"):
        bounds.check_date(datetime(2026, 3, 2, 10), label="时间")


def test_a_deadline_is_after_now_and_within_a_year():
    bounds.check_deadline(MONDAY + timedelta(days=366), label="时限", now=MONDAY)
    with pytest.raises(ValidationFailed, match="一年之内"):
        bounds.check_deadline(MONDAY + timedelta(days=367), label="时限", now=MONDAY)
    with pytest.raises(ValidationFailed, match="晚于当前时间"):
        bounds.check_deadline(MONDAY, label="时限", now=MONDAY)


def test_a_text_over_its_limit_names_the_field_and_both_lengths():
    with pytest.raises(ValidationFailed, match="回访记录最多 3 字（现为 4 字）"):
        bounds.check_length("四个字符", label="回访记录", max_length=3)


@pytest.mark.django_db
def test_a_mandate_cannot_end_in_year_1():
    mandate = MandateFactory(deputy=DeputyFactory(mandate=None))

    with pytest.raises(ValidationFailed, match="终止日期"):
        mandate_end(mandate=mandate, ended_on=date(1, 1, 1), reason=Mandate.EndReason.RESIGNED)

    mandate.refresh_from_db()
    assert mandate.ended_on is None


@pytest.mark.django_db
def test_the_calendar_takes_no_holiday_in_year_9999(ada):
    with pytest.raises(ValidationFailed, match="2000 年至 2099 年"):
        special_day_save(day=date(9999, 12, 31), kind="holiday", name="假", actor=ada)
    with pytest.raises(ValidationFailed, match="2000 年至 2099 年"):
        calendar_year_publish(year=9999, days=[], actor=ada)


@pytest.mark.django_db
def test_the_webhook_refuses_a_call_in_year_1_or_9999_and_saves_nothing(pbx):
    from minyi.calls.models import CallLog

    for moment in ("0001-01-01T00:00:00", "9999-12-31T23:59:59", "1999-12-31T10:00:00+00:00"):
        response = pbx(event="ring", call_id="c-1", at=moment)
        assert response.status_code == 400, moment
        assert "2000 年至 2099 年" in response.json()["fields"]["at"]
    assert not CallLog.objects.exists()
