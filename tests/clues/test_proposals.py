"""New orders like an open clue are proposed for linking by a scheduled scan, off the order's
write path; the liaison officer accepts or dismisses each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.clues.models import ClueProposal, ProposalStatus, ScanCursor
from minyi.clues.proposals import LAG, clue_proposals_scan
from minyi.clues.services import clue_close, proposal_dismiss
from minyi.core import clock
from tests.factories import MONDAY, make_order
from tests.scheduler_jobs import scheduler_jobs

pytestmark = pytest.mark.django_db

LATER = MONDAY + LAG + timedelta(minutes=1)


def stall_order():
    return make_order(
        "accepted",
        title="学校门口占道经营",
        content="傍晚摊贩占用人行道经营，行人只能走机动车道。",
    )


def pothole_order():
    return make_order("accepted", title="路灯不亮", content="三号楼前的路灯坏了一个月。")


def scan_later() -> int:
    with clock.frozen(LATER):
        return clue_proposals_scan()


def test_a_new_order_like_an_open_clue_is_proposed_and_an_unlike_one_is_not(clue):
    like, unlike = stall_order(), pothole_order()

    scan_later()

    proposed = ClueProposal.objects.filter(clue=clue)
    assert list(proposed.values_list("order_id", flat=True)) == [like.pk]
    assert proposed.get().status == ProposalStatus.PENDING
    assert 0 < proposed.get().score <= 1
    assert unlike.pk not in proposed.values_list("order_id", flat=True)


def test_the_orders_a_clue_already_links_are_not_proposed_again(clue, stalls):
    ScanCursor.objects.create(name="orders", last_order_id=0)
    scan_later()
    assert not ClueProposal.objects.filter(order__in=stalls).exists()


def test_each_order_is_read_once_and_a_dismissed_proposal_does_not_come_back(clue, lin):
    like = stall_order()
    scan_later()
    proposal = ClueProposal.objects.get(order=like)
    proposal_dismiss(proposal=proposal, actor=lin)

    ScanCursor.objects.update(last_order_id=0)  # even read again, it stays dismissed
    scan_later()

    assert ClueProposal.objects.filter(order=like).count() == 1
    assert ClueProposal.objects.get(order=like).status == ProposalStatus.DISMISSED
    assert scan_later() == 0  # nothing new since the cursor


def test_orders_younger_than_the_lag_wait_for_the_next_turn(clue):
    like = stall_order()
    assert clue_proposals_scan() == 0  # at MONDAY, the order is brand new
    assert scan_later() == 1
    assert ClueProposal.objects.get().order == like


def test_a_closed_clue_gets_no_proposals(clue, lin):
    clue_close(clue=clue, note="不再跟进。", actor=lin)
    stall_order()
    assert scan_later() == 0
    assert not ClueProposal.objects.exists()


def test_the_scheduler_offers_the_proposal_scan_every_ten_minutes(monkeypatch):
    assert scheduler_jobs(monkeypatch)["clue_proposals"] == 600


def test_the_scan_can_be_run_by_hand(clue):
    from io import StringIO

    from django.core.management import call_command

    stall_order()
    out = StringIO()
    with clock.frozen(LATER):
        call_command("clue_proposals", stdout=out)
    assert out.getvalue().strip() == "新增关联建议 1 条。"


def test_the_first_turn_starts_with_the_orders_that_arrived_after_the_oldest_open_clue(lin):
    from minyi.clues.services import clue_create

    with clock.frozen(MONDAY - timedelta(days=30)):
        old = stall_order()
    assert scan_later() == 0  # no open clue: nothing to compare with, no cursor yet
    assert not ScanCursor.objects.exists()
    clue_create(title="占道经营", summary="摊贩占用人行道经营", actor=lin)
    new = stall_order()

    scan_later()

    assert list(ClueProposal.objects.values_list("order_id", flat=True)) == [new.pk]
    assert old.pk < ScanCursor.objects.get().last_order_id
