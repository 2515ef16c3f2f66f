"""The deputy's side under concurrency (PostgreSQL, threads): two clicks on 转12345 at once make
one order; two actions at once on one message leave one of them done; two first log-ins at once
make one account."""

from __future__ import annotations

import pytest
from django.db import transaction

from minyi.accounts.models import User
from minyi.accounts.services.phone_login import _account_of
from minyi.mashang.models import MessageStatus
from minyi.mashang.services.handling import message_answer, message_close, message_forward
from minyi.orders.models import WorkOrder
from tests.mashang.deputy_side import message_to, station_and_deputy
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_forwards_at_once_make_one_order():
    _, wang, user = station_and_deputy()
    message = message_to(wang)

    results = run_together(*[lambda: message_forward(message=message, actor=user)] * 2)

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    assert WorkOrder.objects.filter(deputy=wang).count() == 1


def test_an_answer_and_a_close_at_once_leave_one_of_them():
    _, wang, user = station_and_deputy()
    message = message_to(wang)

    results = run_together(
        lambda: message_answer(message=message, actor=user, text="答复"),
        lambda: message_close(message=message, actor=user, note="关闭"),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    message.refresh_from_db()
    assert message.status in (MessageStatus.ANSWERED, MessageStatus.CLOSED)
    assert message.events.count() == 1


def test_two_first_log_ins_at_once_make_one_account():
    from tests.factories import DeputyFactory

    deputy = DeputyFactory(name="钱代表")

    results = run_together(*[lambda: transaction.atomic(_account_of)(deputy)] * 3)

    assert [kind for kind, _ in results] == ["ok"] * 3, results
    assert User.objects.filter(deputy=deputy).count() == 1
