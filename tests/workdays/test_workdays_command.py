"""`manage.py workdays due …` and `workdays show YEAR` (DESIGN §8: a stable contract)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def workdays(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_due_prints_the_end_of_the_fifth_working_day_after_national_day():
    out = workdays("due", "--from", "2025-09-30T10:00", "--days", "5")

    assert out == "2025-10-14T23:59:59+08:00\n"


def test_due_counts_working_hours_with_the_clock_stopped_on_holidays():
    out = workdays("due", "--from", "2025-09-30T10:00", "--hours", "24")

    assert out.strip() == "2025-10-09T10:00:00+08:00"


def test_due_counts_natural_days():
    out = workdays("due", "--from", "2025-09-30T10:00", "--natural-days", "5")

    assert out.strip() == "2025-10-05T23:59:59+08:00"


def test_due_reads_an_offset_in_the_start_time():
    # 02:00 UTC is 10:00 in Beijing.
    out = workdays("due", "--from", "2025-09-30T02:00+00:00", "--days", "5")

    assert out.strip() == "2025-10-14T23:59:59+08:00"


def test_a_due_time_in_a_provisional_year_says_so():
    out = workdays("due", "--from", "2026-12-25T10:00", "--days", "5")

    assert out.strip() == "2027-01-04T23:59:59+08:00 provisional"


def test_show_2027_says_provisional_and_lists_its_holidays():
    lines = workdays("show", "2027").splitlines()

    assert lines[0].startswith("2027 provisional")
    assert "暂定" in lines[0]
    assert "补休" in lines[0]
    assert len(lines) == 1 + 13 + 6
    assert "2027-01-01 周五 holiday 放假 元旦" in lines
    assert "2027-02-09 周二 holiday 放假 春节补休" in lines
    assert "2027-02-05 周五 holiday 放假 春节" in lines
    assert "2027-10-03 周日 holiday 放假 国庆节" in lines


def test_show_2026_says_official_and_lists_its_make_up_working_days():
    lines = workdays("show", "2026").splitlines()

    assert lines[0].startswith("2026 official")
    for day in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"):
        [line] = [line for line in lines if line.startswith(day)]
        assert "workday 调休上班" in line
    assert any(line.startswith("2026-02-17") and "春节" in line for line in lines)


def test_show_a_far_year_lists_the_computed_holidays():
    lines = workdays("show", "2031").splitlines()

    assert lines[0].startswith("2031 provisional")
    assert "2031-01-23 周四 holiday 放假 春节" in lines


def test_a_start_that_is_not_a_time_is_an_error():
    with pytest.raises(CommandError, match="ISO 8601"):
        workdays("due", "--from", "tomorrow", "--days", "5")


def test_a_negative_amount_is_an_error():
    with pytest.raises(CommandError):
        workdays("due", "--from", "2025-09-30T10:00", "--days", "-1")


def test_a_year_out_of_range_is_an_error():
    with pytest.raises(CommandError):
        workdays("show", "1800")
