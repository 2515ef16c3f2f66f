"""A matter merged at intake is counted once: the ledger keeps a row for the merged call (登记
含合并), and 受理, 办结 and the statistics pages count the master only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.intake.services import duplicate_merge
from minyi.ledger import stats
from minyi.ledger.models import LedgerRow
from minyi.ledger.stats import Period, Policy
from minyi.orders.models import Channel, Status
from minyi.orders.services.intake import order_create
from tests.factories import UserFactory, at, make_order, request_type
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(date(2026, 11, 1))


@pytest.fixture
def merged_at_intake(deputy, olivia):
    """An archived deputy's call, and the same deputy calling again, merged at intake."""
    cache.clear()
    call = {"channel": Channel.DEPUTY_CALL, "deputy": deputy}
    master = make_order("archived", at=at(2026, 11, 3, 9), **call)
    with clock.frozen(at(2026, 11, 5, 9)):
        again = order_create(
            request_type=request_type("complain"),
            title="路灯还是不亮",
            content="上次反映的路灯还是不亮",
            actor=olivia,
            **call,
        )
        duplicate_merge(order=again, master=master, actor=olivia)
    yield master, again
    cache.clear()


def test_the_ledger_keeps_a_row_for_the_merged_call_pointing_to_its_master(merged_at_intake):
    master, again = merged_at_intake

    row = LedgerRow.objects.get(order=again)

    assert row.status == Status.MERGED
    assert LedgerRow.objects.count() == 2


def test_a_matter_merged_at_intake_is_accepted_and_closed_once(merged_at_intake):
    rows = stats.rows_for(NOVEMBER)

    figures = stats.flat(stats.figures(rows, policy=Policy(minimum_sample=1)))

    assert figures["registered"] == 2 and figures["merged"] == 1
    assert figures["orders"] == 1 and figures["accepted"] == 1 and figures["closed"] == 1
    assert figures["pool"] == 1 and figures["rejected"] == 0


def test_the_statistics_page_counts_the_merged_matter_once(merged_at_intake, client):
    sign_in(client, UserFactory(role=Role.LIAISON))

    with clock.frozen(at(2026, 11, 30, 12)):
        response = client.get("/work/stats/?month=2026-11")

    counts = {c["key"]: c["value"] for c in response.context["figures"]["counts"]}
    assert counts["orders"] == 1 and counts["accepted"] == 1 and counts["closed"] == 1
