"""Dan dispatches an accepted order to one lead and any assisting departments (DESIGN §3)."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import Assignment, AssignmentRole, AssignmentStatus, EventKind, Status
from minyi.orders.services.dispatch import order_dispatch
from tests.factories import (
    MONDAY,
    DepartmentFactory,
    assisting_of,
    at,
    last_event,
    lead_of,
    make_order,
    refused,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_monday")]


def test_dan_dispatches_to_a_lead_and_an_assisting_department(dan, dept_a, dept_b):
    order = make_order("accepted")

    dispatched = order_dispatch(
        order=order, lead=dept_a, assisting=[dept_b], note="请城管牵头", actor=dan
    )

    assert dispatched.status == Status.DISPATCHED
    lead = lead_of(order)
    [assisting] = assisting_of(order)
    assert (lead.department, lead.role, lead.status) == (
        dept_a,
        AssignmentRole.LEAD,
        AssignmentStatus.PENDING,
    )
    assert (assisting.department, assisting.role, assisting.status) == (
        dept_b,
        AssignmentRole.ASSISTING,
        AssignmentStatus.PENDING,
    )
    assert lead.dispatched_by == dan and lead.dispatched_at == MONDAY
    event = last_event(order)
    assert event.kind == EventKind.DISPATCHED
    assert (event.from_status, event.to_status) == (Status.ACCEPTED, Status.DISPATCHED)
    assert event.actor == dan
    assert event.note == "请城管牵头"
    assert event.data["lead"] == dept_a.pk
    assert event.data["assisting"] == [dept_b.pk]
    assert event.data["departments"] == [dept_a.name, dept_b.name]


def test_the_sign_return_and_handling_clocks_start_at_dispatch(dan, dept_a):
    order = make_order("accepted")

    order = order_dispatch(order=order, lead=dept_a, actor=dan)

    lead = lead_of(order)
    assert lead.sign_due == at(2026, 3, 3, 10)  # 24 working hours
    assert lead.return_due == at(2026, 3, 3, 23, 59, 59)  # 1 working day
    assert lead.reply_due == at(2026, 3, 9, 23, 59, 59)  # and the handling clock, 5 days
    assert (order.sign_due, order.return_due, order.reply_due) == (
        lead.sign_due,
        lead.return_due,
        lead.reply_due,
    )
    assert order.next_due == lead.sign_due
    assert last_event(order).data["sign_due"] == "2026-03-03T10:00:00+08:00"


def test_a_friday_dispatch_is_due_for_signing_on_monday(dan, dept_a):
    order = make_order("accepted", at=at(2026, 3, 6, 15))

    with clock.frozen(at(2026, 3, 6, 15)):
        order = order_dispatch(order=order, lead=dept_a, actor=dan)

    assert order.sign_due == at(2026, 3, 9, 15)
    assert order.return_due == at(2026, 3, 9, 23, 59, 59)


def test_an_assisting_department_named_twice_gets_one_assignment(dan, dept_a, dept_b):
    order = make_order("accepted")

    order_dispatch(order=order, lead=dept_a, assisting=[dept_b, dept_b], actor=dan)

    assert len(assisting_of(order)) == 1


def test_the_lead_cannot_also_assist(dan, dept_a, dept_b):
    order = make_order("accepted")

    with refused(ValidationFailed, order, match="主办单位不能同时是协办单位"):
        order_dispatch(order=order, lead=dept_a, assisting=[dept_b, dept_a], actor=dan)

    assert not Assignment.objects.exists()


def test_an_inactive_lead_department_is_refused(dan):
    order = make_order("accepted")
    closed = DepartmentFactory(name="已撤销的局", is_active=False)

    with refused(ValidationFailed, order, match="已撤销的局"):
        order_dispatch(order=order, lead=closed, actor=dan)

    assert not Assignment.objects.exists()


def test_an_inactive_assisting_department_is_refused(dan, dept_a):
    order = make_order("accepted")
    closed = DepartmentFactory(name="已合并的办", is_active=False)

    with refused(ValidationFailed, order, match="停用"):
        order_dispatch(order=order, lead=dept_a, assisting=[closed], actor=dan)


@pytest.mark.parametrize(
    "state", ["draft", "rejected", "dispatched", "signed", "returned", "replied", "archived"]
)
def test_only_an_accepted_order_can_be_dispatched(state, dan, dept_a):
    order = make_order(state)

    with refused(InvalidTransition, order, match="不能派单"):
        order_dispatch(order=order, lead=dept_a, actor=dan)
