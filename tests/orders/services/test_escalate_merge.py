"""The exits any open order can take: escalation to an intersession deputy suggestion
(转闭会期间代表建议), and merging a duplicate into its master order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.orders.models import AssignmentStatus, EventKind, Status
from minyi.orders.services.closing import order_escalate, order_merge
from tests.factories import MONDAY, assisting_of, last_event, lead_of, make_order, refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_monday")]


# -- escalate -----------------------------------------------------------------------------------


def test_dan_escalates_a_complex_matter_and_the_departments_stop(dan, hana, henry):
    order = make_order("signed", handler=hana, assisting=[henry.department])

    escalated = order_escalate(order=order, note="涉及跨区规划，转闭会期间代表建议", actor=dan)

    assert escalated.status == Status.ESCALATED
    assert escalated.closed_at == MONDAY
    assert lead_of(order).status == AssignmentStatus.CANCELLED
    assert [a.status for a in assisting_of(order)] == [AssignmentStatus.CANCELLED]
    assert (escalated.next_due, escalated.warn_at) == (None, None)
    event = last_event(order)
    assert event.kind == EventKind.ESCALATED
    assert (event.from_status, event.to_status) == (Status.SIGNED, Status.ESCALATED)
    assert event.actor == dan
    assert event.data["cancelled_assignments"] == 2


def test_a_replied_part_is_not_cancelled_by_escalation(dan, hana):
    order = make_order("replied", handler=hana)

    order_escalate(order=order, note="转代表建议", actor=dan)

    assert lead_of(order).status == AssignmentStatus.REPLIED
    assert last_event(order).data["cancelled_assignments"] == 0


def test_an_accepted_order_can_be_escalated_before_dispatch(dan):
    order = make_order("accepted")

    assert order_escalate(order=order, note="转代表建议", actor=dan).status == Status.ESCALATED


def test_escalation_needs_a_reason(dan):
    order = make_order("signed")

    with refused(ValidationFailed, order, match="理由"):
        order_escalate(order=order, note="", actor=dan)

    assert lead_of(order).status == AssignmentStatus.SIGNED


def test_a_matter_not_accepted_can_still_be_escalated_and_keeps_its_closing_time(dan):
    with clock.frozen(MONDAY - timedelta(days=1)):
        order = make_order("rejected")

    escalated = order_escalate(order=order, note="涉及面广、办理难度大", actor=dan)

    assert escalated.status == Status.ESCALATED
    assert escalated.closed_at == MONDAY - timedelta(days=1)


@pytest.mark.parametrize("state", ["archived", "escalated", "merged"])
def test_a_closed_order_cannot_be_escalated(state, dan):
    order = make_order(state)

    with refused(InvalidTransition, order, match="不能转为代表建议"):
        order_escalate(order=order, note="转代表建议", actor=dan)


# -- merge --------------------------------------------------------------------------------------


def test_dan_merges_a_duplicate_into_its_master(dan):
    master = make_order("signed")
    duplicate = make_order("dispatched")

    merged = order_merge(order=duplicate, master=master, note="同一工地噪音", actor=dan)

    assert merged.status == Status.MERGED
    assert merged.master == master
    assert merged.closed_at == MONDAY
    assert lead_of(duplicate).status == AssignmentStatus.CANCELLED
    event = last_event(duplicate)
    assert event.kind == EventKind.MERGED
    assert (event.from_status, event.to_status) == (Status.DISPATCHED, Status.MERGED)
    assert event.actor == dan
    assert event.data["master_number"] == master.number
    # The master's ledger shows the duplicate too, and the master keeps going.
    on_master = last_event(master)
    assert on_master.kind == EventKind.DUPLICATE_MERGED
    assert on_master.from_status == on_master.to_status == Status.SIGNED
    assert on_master.actor == dan
    assert on_master.data["duplicate_number"] == duplicate.number
    master.refresh_from_db()
    assert master.status == Status.SIGNED


def test_an_order_cannot_be_merged_into_itself(dan):
    order = make_order("accepted")

    with refused(ValidationFailed, order, match="它自己"):
        order_merge(order=order, master=order, actor=dan)


def test_an_order_cannot_be_merged_into_an_order_that_was_merged(dan):
    merged = make_order("merged")
    order = make_order("accepted")

    with refused(ValidationFailed, order, merged, match="最终的主工单"):
        order_merge(order=order, master=merged, actor=dan)


def test_an_order_cannot_be_merged_into_a_draft(dan):
    draft = make_order("draft")
    order = make_order("accepted")

    with refused(ValidationFailed, order, draft, match="草稿"):
        order_merge(order=order, master=draft, actor=dan)


@pytest.mark.parametrize("state", ["archived", "rejected", "escalated"])
def test_a_closed_order_cannot_be_merged(state, dan):
    order = make_order(state)
    master = make_order("accepted")

    with refused(InvalidTransition, order, master, match="不能合并"):
        order_merge(order=order, master=master, actor=dan)


def test_merging_into_an_archived_master_is_allowed(dan):
    master = make_order("archived")
    order = make_order("accepted")

    assert order_merge(order=order, master=master, actor=dan).status == Status.MERGED
    master.refresh_from_db()
    assert master.status == Status.ARCHIVED


def test_a_draft_cannot_be_escalated(dan):
    draft = make_order("draft")

    with refused(InvalidTransition, draft, match="不能转为代表建议"):
        order_escalate(order=draft, note="涉及面广", actor=dan)
