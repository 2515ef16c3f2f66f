"""Two identical ratings sent at the same moment (a double tap on a slow phone network), each on
its own connection: one callback (PostgreSQL row locks; skipped on SQLite, which serialises)."""

from __future__ import annotations

import pytest

from minyi.orders.models import Callback, EventKind, OrderEvent, Satisfaction, Solved
from minyi.orders.services.rating import order_deputy_rate
from tests.factories import make_order
from tests.orders.test_concurrency import MONDAY, run_together
from tests.workbench.detail_helpers import deputy_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_identical_ratings_at_once_make_one_callback(zhang, hana):
    order = make_order("replied", at=MONDAY, channel="deputy_call", deputy=zhang, handler=hana)
    zora = deputy_user(zhang)

    def rate():
        return order_deputy_rate(
            order=order, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
        ).pk

    results = run_together(rate, rate)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert results[0][1] == results[1][1]
    assert Callback.objects.filter(order=order).count() == 1
    assert OrderEvent.objects.filter(order=order, kind=EventKind.CALLED_BACK).count() == 1
