"""The rates of DESIGN §6, computed on orders that went through the services."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.ledger import stats
from minyi.ledger.stats import Period, Policy
from minyi.orders.models import Channel, Satisfaction, WorkOrder
from minyi.orders.services.closing import order_callback
from minyi.suggestions.services import suggestion_escalate
from tests.factories import DeputyFactory, UserFactory, at, make_order

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(date(2026, 11, 1))


def november(channels=stats.DEPUTY_CHANNELS, **policy):
    return stats.flat(
        stats.figures(stats.rows_for(NOVEMBER, channels=channels), policy=Policy(**policy))
    )


def test_the_shaoshan_seed_figure_33_closed_32_satisfied_is_96_97_percent():
    agent, deputy = UserFactory(role=Role.CALLBACK), DeputyFactory()
    call = {"channel": Channel.DEPUTY_CALL, "deputy": deputy}
    for day in range(32):
        make_order("archived", at=at(2026, 11, 2 + day % 20, 9), **call)
    last = make_order("replied", at=at(2026, 11, 25, 9), **call)
    with clock.frozen(at(2026, 11, 26, 9)):
        order_callback(
            order=last, satisfaction=Satisfaction.DISSATISFIED, solved=False, actor=agent
        )
        suggestion_escalate(
            order=WorkOrder.objects.get(pk=last.pk),
            note="涉及多部门，转代表建议",
            actor=UserFactory(role=Role.LIAISON),
        )

    figures = november()

    assert figures["orders"] == 33 and figures["closed"] == 33
    assert figures["satisfied"] == 32 and figures["rated"] == 33
    assert f"{figures['satisfaction_rate']:.2%}" == "96.97%"
