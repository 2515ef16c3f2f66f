"""Calendar edits by the administrator: each writes an audit row, bumps the revision so every
process reloads, and recomputes the open deadlines it changes (DESIGN §4)."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.core.errors import ValidationFailed
from minyi.orders.models import EventKind, OrderEvent, WorkOrder
from minyi.orders.services.handling import extension_approve, extension_request
from minyi.workdays.calendar import get_calendar
from minyi.workdays.models import (
    CalendarChange,
    CalendarRevision,
    CalendarYear,
    DayKind,
    SpecialDay,
    YearStatus,
)
from minyi.workdays.services import (
    calendar_year_publish,
    calendar_year_set_status,
    special_day_delete,
    special_day_save,
)
from minyi.workdays.statutory import provisional_holidays
from tests.factories import at, events, lead_of, make_order

pytestmark = pytest.mark.django_db

HOLIDAY, WORKDAY = DayKind.HOLIDAY, DayKind.WORKDAY


def revision() -> int:
    return CalendarRevision.objects.get(pk=1).number


def days_of(year: int) -> dict[date, str]:
    return dict(SpecialDay.objects.filter(date__year=year).values_list("date", "kind"))


def provisional_2027_notice() -> list[tuple[date, str, str]]:
    return [(d, HOLIDAY, name) for d, name in sorted(provisional_holidays(2027).items())]


# -- special days --------------------------------------------------------------------------------


def test_saving_a_special_day_writes_an_audit_row_and_bumps_the_revision(ada):
    before = revision()

    change = special_day_save(day=date(2026, 3, 3), kind=HOLIDAY, name="临时放假", actor=ada)

    assert revision() != before
    assert change.actor == ada
    assert change.dates == ["2026-03-03"]
    assert "2026-03-03" in change.summary and "临时放假" in change.summary
    assert CalendarChange.objects.count() == 1
    assert get_calendar().is_workday(date(2026, 3, 3)) is False


def test_a_weekend_can_be_made_a_working_day(ada):
    special_day_save(day=date(2026, 3, 7), kind=WORKDAY, name="调休", actor=ada)

    assert get_calendar().is_workday(date(2026, 3, 7)) is True
    assert SpecialDay.objects.get(date=date(2026, 3, 7)).kind == WORKDAY


def test_saving_an_existing_day_again_changes_it_in_place(ada):
    special_day_save(day=date(2027, 1, 1), kind=WORKDAY, actor=ada)

    assert SpecialDay.objects.filter(date=date(2027, 1, 1)).count() == 1
    assert get_calendar().is_workday(date(2027, 1, 1)) is True


def test_deleting_a_special_day_falls_back_to_the_weekend_rule(ada):
    before = revision()

    change = special_day_delete(day=date(2027, 1, 1), actor=ada)

    assert not SpecialDay.objects.filter(date=date(2027, 1, 1)).exists()
    assert get_calendar().is_workday(date(2027, 1, 1)) is True  # a Friday
    assert revision() != before
    assert change.dates == ["2027-01-01"] and change.actor == ada


def test_editing_one_day_of_a_year_without_rows_first_writes_down_its_holidays(ada):
    assert not CalendarYear.objects.filter(year=2031).exists()

    special_day_save(day=date(2031, 3, 4), kind=HOLIDAY, name="测试", actor=ada)

    year = CalendarYear.objects.get(year=2031)
    assert year.status == YearStatus.PROVISIONAL
    stored = days_of(2031)
    assert set(stored) == {d for d in provisional_holidays(2031)} | {date(2031, 3, 4)}
    cal = get_calendar()
    # The other holidays of 2031 are still holidays: the edit did not wipe them.
    assert cal.is_workday(date(2031, 1, 1)) is False
    assert cal.is_workday(date(2031, 1, 23)) is False
    assert cal.is_workday(date(2031, 3, 4)) is False


def test_deleting_a_day_of_a_year_without_rows_keeps_its_other_holidays(ada):
    special_day_delete(day=date(2031, 1, 1), actor=ada)

    cal = get_calendar()
    assert cal.is_workday(date(2031, 1, 1)) is True
    assert cal.is_workday(date(2031, 10, 1)) is False
    assert len(days_of(2031)) == len(provisional_holidays(2031)) - 1


def test_an_unknown_day_kind_is_refused_and_nothing_is_written(ada):
    before = revision()

    with pytest.raises(ValidationFailed, match="vacation"):
        special_day_save(day=date(2031, 3, 4), kind="vacation", actor=ada)

    assert revision() == before
    assert not CalendarYear.objects.filter(year=2031).exists()
    assert not CalendarChange.objects.exists()


# -- whole years ---------------------------------------------------------------------------------


def test_publishing_the_official_notice_replaces_the_year_and_makes_it_official(ada):
    notice = [
        *provisional_2027_notice(),
        (date(2027, 2, 11), HOLIDAY, "春节"),
        (date(2027, 2, 20), WORKDAY, "春节调休"),
    ]
    before = revision()

    change = calendar_year_publish(
        year=2027, days=notice, source="国办发明电〔2026〕X号", actor=ada
    )

    year = CalendarYear.objects.get(year=2027)
    assert year.status == YearStatus.OFFICIAL and year.source == "国办发明电〔2026〕X号"
    assert days_of(2027)[date(2027, 2, 20)] == WORKDAY
    assert len(days_of(2027)) == 19 + 2
    cal = get_calendar()
    assert cal.is_official_year(2027)
    assert cal.is_workday(date(2027, 2, 20)) is True
    assert cal.is_workday(date(2027, 2, 11)) is False
    assert revision() != before
    assert change.actor == ada and "2027" in change.summary and "正式" in change.summary
    assert {"2027-02-11", "2027-02-20"} <= set(change.dates)


def test_a_published_year_with_no_rows_yet_is_compared_with_its_computed_holidays(ada):
    notice = [(d, HOLIDAY, n) for d, n in provisional_holidays(2031).items()]

    change = calendar_year_publish(year=2031, days=notice, official=False, actor=ada)

    # Nothing differs from the computed year, so only the days actually entered are counted.
    assert change.dates == []
    assert CalendarYear.objects.get(year=2031).status == YearStatus.PROVISIONAL


def test_a_notice_with_a_day_of_another_year_is_refused_and_nothing_changes(ada):
    before = (revision(), days_of(2027))

    with pytest.raises(ValidationFailed, match="2028-01-01"):
        calendar_year_publish(
            year=2027,
            days=[*provisional_2027_notice(), (date(2028, 1, 1), HOLIDAY, "元旦")],
            actor=ada,
        )

    assert (revision(), days_of(2027)) == before
    assert CalendarYear.objects.get(year=2027).status == YearStatus.PROVISIONAL
    assert not CalendarChange.objects.exists()


def test_a_notice_with_an_unknown_kind_is_refused(ada):
    with pytest.raises(ValidationFailed):
        calendar_year_publish(year=2027, days=[(date(2027, 1, 1), "party", "元旦")], actor=ada)

    assert len(days_of(2027)) == len(provisional_holidays(2027))  # 13 and 6 make-up days off


def test_marking_a_year_official_and_back(ada):
    calendar_year_set_status(year=2027, official=True, source="国办通知", actor=ada)
    assert get_calendar().is_official_year(2027)
    assert CalendarYear.objects.get(year=2027).source == "国办通知"

    change = calendar_year_set_status(year=2027, official=False, actor=ada)

    assert not get_calendar().is_official_year(2027)
    assert CalendarYear.objects.get(year=2027).source == "国办通知"  # kept
    assert change.dates == ["2027-01-01", "2027-12-31"]
    assert CalendarChange.objects.count() == 2


def test_marking_a_year_without_rows_writes_down_its_holidays_first(ada):
    calendar_year_set_status(year=2031, official=False, actor=ada)

    assert set(days_of(2031)) == set(provisional_holidays(2031))


# -- recomputing open deadlines ------------------------------------------------------------------


@pytest.fixture
def crossing(dan, hana):
    """Dispatched and signed on Friday 2026-12-25 10:00: the 5-working-day reply deadline
    crosses the provisional 2027 New Year and lands on Monday 2027-01-04."""
    order = make_order("signed", at=at(2026, 12, 25, 10), dispatcher=dan, handler=hana)
    assert order.reply_due == at(2027, 1, 4, 23, 59, 59)
    assert order.deadline_provisional is True
    return order


@pytest.fixture
def december(dan, hana):
    """An order whose deadlines all lie in December 2026."""
    order = make_order("signed", at=at(2026, 12, 1, 10), dispatcher=dan, handler=hana)
    assert order.reply_due == at(2026, 12, 8, 23, 59, 59)
    return order


def publish_2027(extra, *, actor, official=True):
    with clock.frozen(at(2026, 12, 28, 9)):
        return calendar_year_publish(
            year=2027,
            days=[*provisional_2027_notice(), *extra],
            source="国办发明电〔2026〕X号",
            official=official,
            actor=actor,
        )


def test_an_official_notice_adding_a_holiday_moves_the_open_deadline(crossing, ada):
    lead = lead_of(crossing)

    change = publish_2027([(date(2027, 1, 4), HOLIDAY, "元旦")], actor=ada)

    crossing.refresh_from_db()
    lead.refresh_from_db()
    assert lead.reply_due == at(2027, 1, 5, 23, 59, 59)
    assert crossing.reply_due == at(2027, 1, 5, 23, 59, 59)
    assert crossing.next_due == at(2027, 1, 5, 23, 59, 59)
    # The year is official now, so the deadline is no longer provisional.
    assert lead.reply_due_provisional is False
    assert crossing.deadline_provisional is False
    assert change.orders_recomputed == 1
    [event] = events(crossing, EventKind.DEADLINE_RECOMPUTED)
    assert event.actor == ada
    assert event.from_status == event.to_status == "signed"
    assert "2027" in event.note
    assert event.data["assignments"][str(lead.pk)]["reply_due"] == [
        "2027-01-04T23:59:59+08:00",
        "2027-01-05T23:59:59+08:00",
        True,
        False,
    ]


def test_a_make_up_working_day_brings_the_deadline_forward(crossing, ada):
    publish_2027([(date(2027, 1, 2), WORKDAY, "元旦调休")], actor=ada)

    crossing.refresh_from_db()
    # 12/28–12/31 and Saturday 1/2 are the five working days.
    assert crossing.reply_due == at(2027, 1, 2, 23, 59, 59)
    [event] = events(crossing, EventKind.DEADLINE_RECOMPUTED)
    assert event.data["assignments"][str(lead_of(crossing).pk)]["reply_due"][1] == (
        "2027-01-02T23:59:59+08:00"
    )


def test_an_official_notice_that_changes_nothing_still_clears_the_provisional_mark(crossing, ada):
    publish_2027([], actor=ada)

    crossing.refresh_from_db()
    assert crossing.reply_due == at(2027, 1, 4, 23, 59, 59)
    assert crossing.deadline_provisional is False
    [event] = events(crossing, EventKind.DEADLINE_RECOMPUTED)
    old, new, was_provisional, is_provisional = event.data["assignments"][
        str(lead_of(crossing).pk)
    ]["reply_due"]
    assert old == new and (was_provisional, is_provisional) == (True, False)


def test_marking_2027_official_clears_the_provisional_mark(crossing, ada):
    with clock.frozen(at(2026, 12, 28, 9)):
        change = calendar_year_set_status(year=2027, official=True, actor=ada)

    crossing.refresh_from_db()
    assert crossing.deadline_provisional is False
    assert change.orders_recomputed == 1
    assert len(events(crossing, EventKind.DEADLINE_RECOMPUTED)) == 1


def test_orders_whose_deadlines_do_not_touch_the_changed_dates_get_no_event(
    crossing, december, ada
):
    before = WorkOrder.objects.get(pk=december.pk)

    change = publish_2027([(date(2027, 1, 4), HOLIDAY, "元旦")], actor=ada)

    after = WorkOrder.objects.get(pk=december.pk)
    assert (after.reply_due, after.next_due, after.updated_at) == (
        before.reply_due,
        before.next_due,
        before.updated_at,
    )
    assert events(december, EventKind.DEADLINE_RECOMPUTED) == []
    assert change.orders_recomputed == 1  # only the crossing order


def test_a_provisional_correction_far_from_a_deadline_moves_nothing(ada, dan, hana):
    # Signed Monday 2027-01-11 (the clock is frozen there): due Monday 1/18, after the edit.
    later = make_order("signed", at=at(2027, 1, 11, 10), dispatcher=dan, handler=hana)

    with clock.frozen(at(2027, 1, 11, 12)):
        change = special_day_save(day=date(2027, 1, 4), kind=HOLIDAY, name="元旦", actor=ada)

    assert change.orders_recomputed == 0
    assert events(later, EventKind.DEADLINE_RECOMPUTED) == []


def test_a_single_day_edit_moves_the_deadline_too(crossing, ada):
    with clock.frozen(at(2026, 12, 28, 9)):
        change = special_day_save(day=date(2027, 1, 4), kind=HOLIDAY, name="元旦", actor=ada)

    crossing.refresh_from_db()
    assert crossing.reply_due == at(2027, 1, 5, 23, 59, 59)
    assert crossing.deadline_provisional is True  # 2027 is still provisional
    assert change.orders_recomputed == 1


def test_an_approved_extension_is_a_fixed_deadline_and_does_not_move(crossing, ada, dan, hana):
    with clock.frozen(at(2026, 12, 28, 10)):
        request = extension_request(
            assignment=lead_of(crossing),
            requested_due=at(2027, 1, 8, 18),
            reason="需协调燃气公司",
            actor=hana,
        )
        extension_approve(request=request, actor=dan)

    change = publish_2027([(date(2027, 1, 4), HOLIDAY, "元旦")], actor=ada)

    crossing.refresh_from_db()
    assert crossing.reply_due == at(2027, 1, 8, 18)
    assert events(crossing, EventKind.DEADLINE_RECOMPUTED) == []
    assert change.orders_recomputed == 0


def test_a_pending_sign_deadline_crossing_the_edit_moves(ada, dan):
    # Dispatched Thursday 2026-12-31 10:00: 24 working hours stop on the 2027 New Year holiday
    # and the weekend, so the sign deadline is Monday 2027-01-04 10:00.
    order = make_order("dispatched", at=at(2026, 12, 31, 10), dispatcher=dan)
    assert order.sign_due == at(2027, 1, 4, 10)

    publish_2027([(date(2027, 1, 4), HOLIDAY, "元旦")], actor=ada)

    order.refresh_from_db()
    assert order.sign_due == at(2027, 1, 5, 10)
    assert order.next_due == at(2027, 1, 5, 10)
    [event] = events(order, EventKind.DEADLINE_RECOMPUTED)
    assert "sign_due" in event.data["assignments"][str(lead_of(order).pk)]


def test_a_closed_order_gets_no_recomputation_event(crossing, ada, dan):
    from minyi.orders.services.closing import order_escalate

    with clock.frozen(at(2026, 12, 28, 8)):
        order_escalate(order=crossing, note="转代表建议", actor=dan)

    change = publish_2027([(date(2027, 1, 4), HOLIDAY, "元旦")], actor=ada)

    assert change.orders_recomputed == 0
    assert OrderEvent.objects.filter(kind=EventKind.DEADLINE_RECOMPUTED).count() == 0


def test_an_archived_order_whose_assisting_part_never_replied_gets_no_event(
    ada, dan, hana, henry, carl
):
    from minyi.orders.models import ReplyMethod, Satisfaction, Solved
    from minyi.orders.services.closing import order_archive, order_callback
    from minyi.orders.services.dispatch import assignment_sign
    from minyi.orders.services.handling import assignment_reply
    from tests.factories import assisting_of

    order = make_order(
        "dispatched",
        at=at(2026, 12, 24, 10),
        dispatcher=dan,
        lead=hana.department,
        assisting=[henry.department],
    )
    with clock.frozen(at(2026, 12, 25, 10)):
        assignment_sign(assignment=assisting_of(order)[0], actor=henry)  # due 2027-01-04
        assignment_sign(assignment=lead_of(order), actor=hana)
        assignment_reply(
            assignment=lead_of(order),
            content="已处理",
            method=ReplyMethod.PHONE,
            solved=Solved.SOLVED,
            actor=hana,
        )
        order_callback(order=order, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)
        order_archive(order=order, actor=carl)
    events_before = len(events(order))

    change = publish_2027([(date(2027, 1, 4), HOLIDAY, "元旦")], actor=ada)

    # The ledger of an archived order ends with its archiving.
    assert len(events(order)) == events_before
    assert change.orders_recomputed == 0


def test_a_failed_edit_leaves_this_process_on_the_committed_calendar(ada, monkeypatch):
    from minyi.workdays import services

    def explode(**kwargs):
        get_calendar()  # the recompute has loaded the uncommitted calendar by the time it fails
        raise RuntimeError("recompute failed")

    monkeypatch.setattr("minyi.orders.services.deadlines.deadlines_recompute_for_dates", explode)
    monday = date(2027, 3, 1)
    assert get_calendar().is_workday(monday)

    with pytest.raises(RuntimeError):
        services.special_day_save(day=monday, kind=HOLIDAY, name="误录", actor=ada)

    assert get_calendar().is_workday(monday)
    assert not SpecialDay.objects.filter(date=monday, name="误录").exists()


def test_a_deadline_moved_by_the_calendar_changes_the_warning_in_the_ledger(crossing, ada):
    from minyi.orders.models import Warning
    from minyi.orders.services.sla import sla_scan

    tuesday = at(2027, 1, 5, 10)  # the provisional deadline (Monday 1/4) has passed
    sla_scan(now=tuesday)
    crossing.refresh_from_db()
    assert crossing.warning == Warning.RED

    with clock.frozen(tuesday):
        calendar_year_publish(
            year=2027,
            days=[*provisional_2027_notice(), (date(2027, 1, 4), HOLIDAY, "元旦")],
            source="国办发明电〔2026〕X号",
            actor=ada,
        )

    crossing.refresh_from_db()
    assert crossing.reply_due == at(2027, 1, 5, 23, 59, 59)
    assert crossing.warning == Warning.YELLOW  # due tonight, no longer overdue
    last = events(crossing, EventKind.WARNING)[-1]
    assert (last.data["from"], last.data["to"], last.actor) == (Warning.RED, Warning.YELLOW, ada)
    assert last.data["cause"] == EventKind.DEADLINE_RECOMPUTED


# -- the migration that gave the provisional years written before the rule their 补休 -----------


def test_a_provisional_year_seeded_before_the_rule_gets_its_make_up_days_off(ada, settings):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("minyi.workdays.migrations.0004_provisional_make_up_days_off")
    SpecialDay.objects.filter(name__endswith="补休").delete()  # as 0002 wrote 2027 before
    special_day_save(day=date(2027, 10, 4), kind=WORKDAY, name="单位自定", actor=ada)
    before = revision()
    settings.MINYI = {**settings.MINYI, "CALENDAR_RECHECK_SECONDS": 0}  # as another process

    migration.add_make_up_days(apps, None)

    stored = dict(SpecialDay.objects.filter(date__year=2027).values_list("date", "name"))
    assert {d: stored[d] for d in (date(2027, 2, 9), date(2027, 5, 4), date(2027, 10, 5))} == {
        date(2027, 2, 9): "春节补休",
        date(2027, 5, 4): "劳动节补休",
        date(2027, 10, 5): "国庆节补休",
    }
    assert days_of(2027)[date(2027, 10, 4)] == WORKDAY  # what an administrator set stays
    assert revision() != before
    assert get_calendar().is_workday(date(2027, 2, 9)) is False
    change = CalendarChange.objects.latest("id")
    assert "第六条" in change.summary and change.actor is None
    assert change.dates == [
        "2027-02-09",
        "2027-02-10",
        "2027-05-03",
        "2027-05-04",
        "2027-10-05",
    ]

    migration.add_make_up_days(apps, None)  # a second run finds nothing missing
    assert CalendarChange.objects.latest("id") == change
