"""The ledger row of an order follows its event log, written by the services as they act, and
the same row comes out of the log alone (``rows_rebuild``)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.deputies.models import Level
from minyi.ledger.facts import rows_missing, rows_rebuild
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
