"""The working-day conventions (DESIGN §4) on the calendar the migrations seed: 2004–2026
official from chinese-calendar, 2027 provisional, later years computed on the fly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from minyi.workdays import calendar
from minyi.workdays.calendar import SHANGHAI, get_calendar
from minyi.workdays.models import CalendarRevision, CalendarYear, DayKind, SpecialDay
from minyi.workdays.statutory import provisional_holidays, statutory_holidays
from tests.factories import at

pytestmark = pytest.mark.django_db


def iso(due) -> str:
    return due.isoformat()


# -- N working days ---------------------------------------------------------------------------


def test_five_working_days_from_the_eve_of_national_day_2025_end_on_october_14():
    due = get_calendar().add_working_days(at(2025, 9, 30, 10), 5)

    # 10/1–10/8 are the holiday, Saturday 10/11 is a make-up working day and counts.
    assert iso(due) == "2025-10-14T23:59:59+08:00"
    assert due.provisional is False


def test_the_day_of_the_start_does_not_count():
    due = get_calendar().add_working_days(at(2026, 3, 2, 0, 0), 1)  # a Monday, at 00:00

    assert iso(due) == "2026-03-03T23:59:59+08:00"


def test_the_end_of_a_working_day_is_written_as_one_second_before_midnight_in_beijing():
    due = get_calendar().add_working_days(at(2026, 3, 6, 23, 59), 1)  # a Friday night

    assert due.at.astimezone(SHANGHAI).time().isoformat() == "23:59:59"
    assert iso(due) == "2026-03-09T23:59:59+08:00"  # Saturday and Sunday do not count


def test_a_start_given_in_utc_is_counted_from_its_beijing_date():
    # 2026-03-01T17:00Z is Monday 2026-03-02 01:00 in Beijing.
    due = get_calendar().add_working_days(datetime.fromisoformat("2026-03-01T17:00+00:00"), 1)

    assert iso(due) == "2026-03-03T23:59:59+08:00"


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9)]
    + [date(2026, 9, 20), date(2026, 10, 10)],
)
def test_the_make_up_weekend_days_of_2026_are_working_days(day):
    assert day.weekday() >= 5  # a Saturday or a Sunday
    assert get_calendar().is_workday(day) is True


def test_a_make_up_sunday_counts_as_a_working_day_in_a_deadline():
    # Friday 2026-01-02 is part of the New Year holiday; Sunday 1/4 is a make-up working day.
    due = get_calendar().add_working_days(at(2025, 12, 31, 10), 1)

    assert iso(due) == "2026-01-04T23:59:59+08:00"


def test_the_spring_festival_2026_is_skipped():
    cal = get_calendar()

    assert not any(cal.is_workday(date(2026, 2, 15) + timedelta(days=i)) for i in range(9))
    # Friday 2/13 10:00: Saturday 2/14 is a make-up day, then nine days off until Tuesday 2/24.
    assert iso(cal.add_working_days(at(2026, 2, 13, 10), 1)) == "2026-02-14T23:59:59+08:00"
    assert iso(cal.add_working_days(at(2026, 2, 13, 10), 2)) == "2026-02-24T23:59:59+08:00"


def test_a_plain_weekend_is_a_rest_day():
    cal = get_calendar()

    assert cal.is_workday(date(2026, 3, 7)) is False  # Saturday
    assert cal.is_workday(date(2026, 3, 8)) is False  # Sunday
    assert cal.is_workday(date(2026, 3, 9)) is True  # Monday


# -- N working hours -----------------------------------------------------------------------------


def test_twenty_four_working_hours_from_friday_morning_end_on_monday_morning():
    due = get_calendar().add_working_hours(at(2026, 3, 6, 10), 24)

    assert iso(due) == "2026-03-09T10:00:00+08:00"


def test_working_hours_stop_for_the_national_day_holiday():
    due = get_calendar().add_working_hours(at(2025, 9, 30, 10), 24)

    assert iso(due) == "2025-10-09T10:00:00+08:00"


def test_a_working_hour_clock_started_on_a_holiday_waits_for_the_next_working_day():
    due = get_calendar().add_working_hours(at(2025, 10, 3, 15), 24)  # National Day

    # The clock starts at 10/9 00:00 and runs all 24 hours of that day.
    assert iso(due) == "2025-10-10T00:00:00+08:00"


def test_a_working_day_clock_started_on_a_holiday_counts_from_the_next_working_day():
    due = get_calendar().add_working_days(at(2025, 10, 3, 15), 1)

    assert iso(due) == "2025-10-09T23:59:59+08:00"


def test_working_hours_within_one_working_day_just_add():
    due = get_calendar().add_working_hours(at(2026, 3, 2, 10), 5)

    assert iso(due) == "2026-03-02T15:00:00+08:00"


# -- natural days ---------------------------------------------------------------------------------


def test_natural_days_count_weekends_and_holidays():
    cal = get_calendar()

    assert iso(cal.add_natural_days(at(2025, 9, 30, 10), 5)) == "2025-10-05T23:59:59+08:00"
    assert iso(cal.due(at(2026, 3, 6, 10), 2, "natural_days")) == "2026-03-08T23:59:59+08:00"


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit"):
        get_calendar().due(at(2026, 3, 2, 10), 1, "fortnights")


# -- subtracting working hours (the yellow warning) ------------------------------------------


@pytest.mark.parametrize(
    "start",
    [at(2026, 3, 6, 10), at(2025, 9, 30, 10), at(2026, 2, 13, 22), at(2026, 12, 30, 18)],
)
def test_subtracting_working_hours_undoes_adding_them(start):
    cal = get_calendar()
    for hours in (1, 14, 24, 48):
        end = cal.add_working_hours(start, hours).at
        assert cal.subtract_working_hours(end, hours) == start


def test_one_working_day_before_a_monday_deadline_is_friday_night():
    end = at(2026, 3, 9, 23, 59, 59)

    warn = get_calendar().subtract_working_hours(end, 24)

    assert warn == at(2026, 3, 6, 23, 59, 59)


def test_one_working_day_before_a_deadline_after_national_day_is_before_the_holiday():
    warn = get_calendar().subtract_working_hours(at(2025, 10, 9, 10), 24)

    assert warn == at(2025, 9, 30, 10)


def test_midnight_is_the_end_of_the_day_before_when_subtracting():
    # Tuesday 00:00 is the end (24:00) of Monday; 24 working hours back is Monday 00:00.
    assert get_calendar().subtract_working_hours(at(2026, 3, 10, 0), 24) == at(2026, 3, 9, 0)


# -- provisional years ---------------------------------------------------------------------------


def test_the_years_2004_to_2026_are_official_and_2027_is_provisional():
    years = dict(CalendarYear.objects.values_list("year", "status"))
    cal = get_calendar()

    assert all(years[y] == "official" for y in range(2004, 2027))
    assert years[2027] == "provisional"
    assert all(cal.is_official_year(y) for y in range(2004, 2027))
    assert not cal.is_official_year(2027)


def test_a_deadline_crossing_into_2027_is_provisional_and_skips_its_new_year_holiday():
    due = get_calendar().add_working_days(at(2026, 12, 25, 10), 5)

    # 12/28–12/31 are four working days; 2027-01-01 is a provisional holiday, then a weekend.
    assert iso(due) == "2027-01-04T23:59:59+08:00"
    assert due.provisional is True


def test_a_deadline_inside_an_official_year_is_not_provisional():
    due = get_calendar().add_working_days(at(2026, 12, 21, 10), 3)

    assert iso(due) == "2026-12-24T23:59:59+08:00"
    assert due.provisional is False


def test_the_provisional_2027_holidays_are_the_statutory_days_and_their_make_up_days_off():
    statutory = {
        date(2027, 1, 1): "元旦",
        # 除夕 to 初三: the lunar new year 2027 is on 2/6.
        date(2027, 2, 5): "春节",
        date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }
    # 全国年节及纪念日放假办法 第六条: a statutory day on a Saturday or Sunday is made up on a working
    # day — the next ones after the holiday: 初一/初二 (2/6–2/7), 5/1–5/2 and 10/2–10/3 fell on
    # weekends in 2027.
    make_up = {
        date(2027, 2, 9): "春节补休",
        date(2027, 2, 10): "春节补休",
        date(2027, 5, 3): "劳动节补休",
        date(2027, 5, 4): "劳动节补休",
        date(2027, 10, 4): "国庆节补休",
        date(2027, 10, 5): "国庆节补休",
    }
    expected = {**statutory, **make_up}
    stored = {
        d: (kind, name)
        for d, kind, name in SpecialDay.objects.filter(date__year=2027).values_list(
            "date", "kind", "name"
        )
    }

    assert statutory_holidays(2027) == statutory
    assert provisional_holidays(2027) == expected
    assert stored == {d: (DayKind.HOLIDAY, name) for d, name in expected.items()}
    cal = get_calendar()
    assert [d for d in expected if cal.is_workday(d)] == []
    # No make-up working days are guessed for a provisional year: Saturday 2/20 stays a rest day.
    assert cal.is_workday(date(2027, 2, 20)) is False
    assert cal.is_workday(date(2027, 2, 11)) is True  # 初六, a Thursday


def test_a_deadline_across_the_provisional_spring_festival_counts_the_make_up_days_off():
    due = get_calendar().add_working_days(at(2027, 2, 4, 10), 1)

    # 2/5–2/8 are 春节, 2/9–2/10 make up for 初一 and 初二 (a weekend): Thursday 2/11.
    assert iso(due) == "2027-02-11T23:59:59+08:00"
    assert due.provisional is True


def test_a_far_year_makes_up_a_weekend_new_year_on_the_monday():
    cal = get_calendar()

    assert cal.is_workday(date(2028, 1, 1)) is False  # 元旦, a Saturday
    assert cal.is_workday(date(2028, 1, 3)) is False  # 元旦补休
    assert cal.is_workday(date(2028, 1, 4)) is True
    assert iso(cal.add_working_days(at(2027, 12, 31, 10), 1)) == "2028-01-04T23:59:59+08:00"


@pytest.mark.parametrize("year", range(2027, 2100))
def test_every_statutory_day_of_a_provisional_year_is_a_day_off_on_a_working_day(year):
    """Thirteen statutory days give thirteen weekdays off, in the same year; a day on which two
    holidays meet (中秋 on 10/3 in 2028) is made up like a weekend, as the 2020 notice did."""
    days = provisional_holidays(year)

    assert len([d for d in days if d.weekday() < 5]) == 13
    assert {d.year for d in days} == {year}
    assert [d for d, name in days.items() if name.endswith("补休") and d.weekday() >= 5] == []


def test_a_far_year_without_rows_is_computed_on_the_fly_and_provisional():
    assert not CalendarYear.objects.filter(year=2031).exists()
    assert not SpecialDay.objects.filter(date__year=2031).exists()
    cal = get_calendar()

    assert cal.is_workday(date(2031, 1, 1)) is False  # 元旦, a Wednesday
    assert cal.is_workday(date(2031, 1, 23)) is False  # 春节 初一
    assert cal.is_workday(date(2031, 1, 2)) is True
    due = cal.add_working_days(at(2030, 12, 31, 10), 1)
    assert iso(due) == "2031-01-02T23:59:59+08:00"
    assert due.provisional is True
    assert [d for d, w, stored in cal.special_days(2031)][:2] == [
        date(2031, 1, 1),
        date(2031, 1, 22),
    ]
    assert all(stored is False for _, _, stored in cal.special_days(2031))


def test_an_absurdly_long_deadline_is_refused_rather_than_looping():
    with pytest.raises(ValueError, match="too far"):
        get_calendar().add_working_days(at(2026, 3, 2, 10), 100_000)


# -- the statutory module against the official data ---------------------------------------------


# The names chinese-calendar gives the days the module computes (lunar calendar, solar term).
_OFFICIAL_NAME = {
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
}


@pytest.mark.parametrize("year", range(2015, 2027))
def test_the_computed_lunar_and_solar_term_days_are_the_official_holidays_of_that_name(year):
    computed = {d: n for d, n in statutory_holidays(year).items() if n in _OFFICIAL_NAME}
    mismatched = {
        d: chinese_calendar.get_holiday_detail(d)
        for d, name in computed.items()
        if chinese_calendar.get_holiday_detail(d) != (True, _OFFICIAL_NAME[name])
    }

    # 除夕–初三, 清明, 端午, 中秋; in 2020 中秋 fell on 10/1 and is listed as 国庆节.
    assert len(computed) == (6 if year == 2020 else 7)
    # 2024 is the one year whose 除夕 was a working day (not statutory before the amendment).
    assert mismatched == ({date(2024, 2, 9): (False, None)} if year == 2024 else {})


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_of_the_amended_rules_is_an_official_holiday(year):
    # The 2024 amendment (in force 2025) made 除夕 and 5/2 statutory holidays.
    assert [d for d in statutory_holidays(year) if chinese_calendar.is_workday(d)] == []


def test_before_the_2025_amendment_only_chuxi_and_may_2_were_sometimes_working_days():
    """Every other statutory date of 2015–2024 was a holiday in the State Council's notices."""
    working = sorted(
        d
        for year in range(2015, 2025)
        for d in statutory_holidays(year)
        if chinese_calendar.is_workday(d)
    )

    # 2017 and 2018 had a three-day Labour Day break (4/29–5/1); in 2024 除夕 (2/9) was a
    # working day. Neither was statutory before the amendment.
    assert working == [date(2017, 5, 2), date(2018, 5, 2), date(2024, 2, 9)]


def test_the_spring_festival_of_2026_starts_on_chuxi():
    days = sorted(d for d, name in statutory_holidays(2026).items() if name == "春节")

    assert days == [date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19)]


# -- the process-wide snapshot ---------------------------------------------------------------


def _bump_revision():
    from django.db.models import F

    CalendarRevision.objects.filter(pk=1).update(number=F("number") + 1)


def test_the_snapshot_is_reused_while_the_revision_is_unchanged(settings):
    settings.MINYI = {**settings.MINYI, "CALENDAR_RECHECK_SECONDS": 0}

    assert get_calendar() is get_calendar()


def test_the_snapshot_reloads_when_another_process_bumps_the_revision(settings):
    settings.MINYI = {**settings.MINYI, "CALENDAR_RECHECK_SECONDS": 0}
    before = get_calendar()
    assert before.is_workday(date(2026, 3, 3)) is True

    SpecialDay.objects.create(date=date(2026, 3, 3), kind=DayKind.HOLIDAY, name="测试")
    _bump_revision()

    after = get_calendar()
    assert after is not before
    assert after.is_workday(date(2026, 3, 3)) is False


def test_the_snapshot_is_not_rechecked_within_the_recheck_interval(settings):
    settings.MINYI = {**settings.MINYI, "CALENDAR_RECHECK_SECONDS": 3600}
    before = get_calendar()

    SpecialDay.objects.create(date=date(2026, 3, 3), kind=DayKind.HOLIDAY, name="测试")
    _bump_revision()

    assert get_calendar() is before  # still cached
    calendar.invalidate()
    assert get_calendar().is_workday(date(2026, 3, 3)) is False
