"""The ledger row of an order follows its event log, written by the services as they act, and
the same row comes out of the log alone (``rows_rebuild``)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.deputies.models import Level
from minyi.ledger.facts import rows_mark_red, rows_missing, rows_rebuild
from minyi.ledger.models import LedgerRow
from minyi.orders.models import Channel, Satisfaction, Status, WorkOrder
from minyi.orders.services.closing import order_callback, order_redo
from minyi.orders.services.sla import sla_scan
from tests.factories import (
    DeputyFactory,
    UserFactory,
    at,
    make_order,
    seat,
)

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in LedgerRow._meta.concrete_fields]


def row_of(order: WorkOrder) -> dict:
    return {name: getattr(LedgerRow.objects.get(order=order), name) for name in FIELDS}


def rebuilt_agrees() -> bool:
    """The rows the services kept are the rows folded from the log alone."""
    kept = {pk: row_of(WorkOrder(pk=pk)) for pk in WorkOrder.objects.values_list("pk", flat=True)}
    rows_rebuild(list(kept))
    return {pk: row_of(WorkOrder(pk=pk)) for pk in kept} == kept


def test_every_order_made_through_the_services_has_its_ledger_row_at_once():
    order = make_order("archived", at=at(2026, 11, 9, 10))

    row = LedgerRow.objects.get(order=order)

    assert row.status == Status.ARCHIVED
    assert row.accepted_at and row.dispatched_at and row.signed_at and row.replied_at
    assert row.called_back_at and row.closed_at
    assert row.sign_on_time is True and row.reply_on_time is True
    assert row.satisfaction == Satisfaction.SATISFIED and row.solved is True
    assert row.departments.startswith("主办：")


def test_a_deputys_order_is_filed_under_the_deputys_highest_level():
    deputy = DeputyFactory()
    seat(deputy, "韶山市人民代表大会", Level.COUNTY)
    seat(deputy, "湘潭市人民代表大会", Level.CITY)

    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=deputy)

    assert LedgerRow.objects.get(order=order).deputy_level == Level.CITY


def test_a_redo_and_a_second_rating_are_counted_and_the_latest_rating_is_kept():
    agent = UserFactory(role=Role.CALLBACK)
    order = make_order("replied", at=at(2026, 11, 9, 10))
    with clock.frozen(at(2026, 11, 10, 10)):
        order_callback(
            order=order, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=agent
        )
        order_redo(order=WorkOrder.objects.get(pk=order.pk), note="群众仍不满意", actor=agent)

    row = LedgerRow.objects.get(order=order)

    assert row.redo_count == 1
    assert row.satisfaction == Satisfaction.DISSATISFIED and row.solved is False
    assert row.status == Status.SIGNED


def test_the_sla_scan_marks_an_order_that_went_red():
    order = make_order("dispatched", at=at(2026, 11, 2, 10))

    sla_scan(now=at(2026, 11, 20, 10))

    assert LedgerRow.objects.get(order=order).went_red is True


def test_a_ledger_row_already_marked_went_red_is_not_written_again():
    order = make_order("dispatched", at=at(2026, 11, 2, 10))
    sla_scan(now=at(2026, 11, 20, 10))

    assert rows_mark_red([order.pk]) == 0
    assert LedgerRow.objects.get(order=order).went_red is True


def test_the_row_folded_from_the_log_alone_is_the_row_the_services_kept():
    orders = [
        make_order(state, at=at(2026, 11, 9, 10))
        for state in (
            "draft",
            "rejected",
            "merged",
            "dispatched",
            "returned",
            "signed",
            "replied",
            "callback",
            "archived",
            "tracking",
            "escalated",
            "direct_answer",
        )
    ]
    kept = {order.pk: row_of(order) for order in WorkOrder.objects.all()}

    LedgerRow.objects.all().delete()
    assert set(rows_missing()) == set(kept)
    rows_rebuild()

    assert {pk: row_of(WorkOrder(pk=pk)) for pk in kept} == kept
    assert len(orders) == 12


def test_ledger_rebuild_fills_in_the_rows_an_import_left_out_and_says_how_many():
    from io import StringIO

    from django.core.management import call_command

    order = make_order("archived", at=at(2026, 11, 9, 10))
    kept = row_of(order)
    LedgerRow.objects.filter(order=order).delete()
    out = StringIO()

    call_command("ledger_rebuild", stdout=out)

    assert row_of(order) == kept
    assert out.getvalue().startswith("已重算 1 条台账行")


# -- what the row keeps when the order moves back or away (each found by review) -------------


def test_a_redo_takes_back_the_reply_and_the_next_reply_is_the_one_judged():
    from minyi.ledger import stats

    agent = UserFactory(role=Role.CALLBACK)
    order = make_order("replied", at=at(2026, 11, 9, 10))
    with clock.frozen(at(2026, 11, 10, 10)):
        order_callback(
            order=order, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=agent
        )
        order_redo(order=WorkOrder.objects.get(pk=order.pk), note="群众仍不满意", actor=agent)

    row = LedgerRow.objects.get(order=order)
    assert row.replied_at is None and row.reply_on_time is None
    assert row.reply_due is not None
    with clock.frozen(at(2026, 12, 30, 10)):  # six weeks on, nothing replied since the redo
        figures = stats.flat(stats.figures(stats.rows_for(None, channels=None)))
    assert figures["replied_on_time"] == 0 and figures["reply_due"] == 1 and figures["overdue"] == 1
    assert rebuilt_agrees()


def test_a_supervision_from_callback_counts_as_a_redo():
    from minyi.orders.models import Warning
    from minyi.orders.services.closing import order_supervise

    order = make_order("callback", at=at(2026, 11, 9, 10))
    with clock.frozen(at(2026, 11, 10, 10)):
        order_supervise(
            order=WorkOrder.objects.get(pk=order.pk),
            level=Warning.YELLOW,
            note="请重新核实",
            actor=UserFactory(role=Role.CALLBACK),
        )

    row = LedgerRow.objects.get(order=order)
    assert (row.redo_count, row.supervised, row.replied_at) == (1, 1, None)
    assert rebuilt_agrees()


def test_a_missed_limit_stays_missed_when_the_order_is_escalated_unsigned():
    from minyi.ledger import stats
    from minyi.suggestions.services import suggestion_escalate

    order = make_order("dispatched", at=at(2026, 11, 9, 10))
    with clock.frozen(at(2026, 11, 25, 10)):
        suggestion_escalate(order=order, note="涉及多部门", actor=UserFactory(role=Role.LIAISON))
        figures = stats.flat(stats.figures(stats.rows_for(None, channels=None)))

    assert LedgerRow.objects.get(order=order).sign_due is not None
    assert figures["sign_due"] == 1 and figures["signed_on_time"] == 0
    assert figures["reply_due"] == 1 and figures["overdue"] == 1
    assert rebuilt_agrees()


def test_after_an_accepted_return_the_new_leads_sign_for_is_the_one_counted():
    from minyi.orders.services.dispatch import return_accept
    from tests.factories import DepartmentFactory, lead_of

    order = make_order("signed", at=at(2026, 11, 9, 10))
    with clock.frozen(at(2026, 11, 9, 12)):
        from minyi.orders.services.dispatch import assignment_return_request
        from tests.factories import leader_opinion

        request = assignment_return_request(
            assignment=lead_of(order),
            reason="不属于本单位职责",
            suggested_department=DepartmentFactory(name="市水利局"),
            basis="三定方案",
            leader_opinion=leader_opinion(order),
        )
        return_accept(request=request, redispatch_to=request.suggested_department)

    row = LedgerRow.objects.get(order=order)
    assert row.status == Status.DISPATCHED and row.returns_accepted == 1
    assert row.signed_at is None and row.sign_on_time is None
    assert row.lead_department.name == "市水利局" and row.departments == "主办：市水利局"
    assert rebuilt_agrees()


def test_an_order_refused_then_escalated_stays_outside_the_pool():
    from minyi.ledger import stats
    from minyi.suggestions.services import suggestion_escalate

    order = make_order("rejected", at=at(2026, 11, 9, 10))
    suggestion_escalate(order=order, note="转代表建议", actor=UserFactory(role=Role.LIAISON))

    figures = stats.flat(stats.figures(stats.rows_for(None, channels=None)))
    assert figures["rejected"] == 1 and figures["pool"] == 0
    assert rebuilt_agrees()


def test_a_tracked_order_confirmed_done_counts_as_solved():
    from minyi.orders.services.tracking import tracking_confirm, tracking_done
    from tests.factories import HandlerFactory, lead_of

    order = make_order("tracking", at=at(2026, 11, 9, 10))
    handler = HandlerFactory(department=lead_of(order).department)
    tracking_done(order=WorkOrder.objects.get(pk=order.pk), text="已办结", actor=handler)
    tracking_confirm(
        order=WorkOrder.objects.get(pk=order.pk),
        confirmed=True,
        actor=UserFactory(role=Role.CALLBACK),
    )

    row = LedgerRow.objects.get(order=order)
    assert row.tracking == "done" and row.solved is True and row.status == Status.ARCHIVED
    assert rebuilt_agrees()


def test_the_ledger_shows_every_level_of_a_deputy_highest_first():
    from minyi.ledger.exports.columns import COLUMNS

    deputy = DeputyFactory()
    seat(deputy, "韶山市人民代表大会", Level.COUNTY)
    seat(deputy, "湖南省人民代表大会", Level.PROVINCIAL)
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=deputy)
    row = LedgerRow.objects.get(order=order)

    class Shown:  # what the privacy rule shows a liaison officer of this order's deputy
        deputy = "谭萍"

    row.person = Shown()
    level = next(column for column in COLUMNS if column.key == "level")
    # the factory seats every deputy in a city congress too
    assert (row.deputy_level, level.text(row)) == (Level.PROVINCIAL, "省级、市级、县级")
