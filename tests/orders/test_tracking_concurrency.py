"""跟踪督办 under concurrency, each thread on its own connection (PostgreSQL row locks; skipped on
SQLite, which serialises writers): two reminder jobs at once remind once; the deputy's and the
callback agent's answers at once, one wins and the other is refused."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core.errors import InvalidTransition
from minyi.orders.models import EventKind, OrderEvent, Status, Tracking, WorkOrder
from minyi.orders.services.tracking import tracking_confirm, tracking_done, tracking_scan
from tests.factories import make_order
from tests.orders.test_concurrency import MONDAY, run_together
from tests.workbench.detail_helpers import deputy_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reminder_jobs_at_once_remind_the_department_once(hana, carl):
    order = make_order("tracking", at=MONDAY, handler=hana, agent=carl)
    Tracking.objects.filter(order=order).update(plan_due=date(2026, 3, 4))  # due in two days

    results = run_together(lambda: tracking_scan().reminded, lambda: tracking_scan().reminded)

    assert sorted(value for _, value in results) == [0, 1], results
    assert OrderEvent.objects.filter(order=order, kind=EventKind.TRACKING_REMINDED).count() == 1


def test_the_deputy_and_the_agent_answering_at_once_make_one_answer(zhang, hana, carl):
    order = make_order(
        "tracking", at=MONDAY, channel="deputy_call", deputy=zhang, handler=hana, agent=carl
    )
    tracking_done(order=order, text="已建成", actor=hana)
    zora = deputy_user(zhang)

    results = run_together(
        lambda: tracking_confirm(order=order, confirmed=True, actor=zora),
        lambda: tracking_confirm(order=order, confirmed=False, note="仍未解决", actor=carl),
    )

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    assert all(isinstance(v, InvalidTransition) for k, v in results if k == "error")
    answers = OrderEvent.objects.filter(
        order=order, kind__in=[EventKind.TRACKING_CONFIRMED, EventKind.TRACKING_REOPENED]
    )
    assert answers.count() == 1
    status = WorkOrder.objects.get(pk=order.pk).status
    assert status == (
        Status.ARCHIVED if answers.get().kind == EventKind.TRACKING_CONFIRMED else Status.TRACKING
    )
