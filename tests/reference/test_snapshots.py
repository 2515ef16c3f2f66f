"""Time-limit rules and message templates are kept in memory by each process
(minyi/reference/snapshots.py) and read again when they change, here or in another process."""

from __future__ import annotations

import pytest
from django.db import connection

from minyi.core import clock
from minyi.notify.models import MessageTemplate, OutboxMessage
from minyi.orders.services.dispatch import order_dispatch
from minyi.reference import snapshots
from minyi.reference.limits import policy
from minyi.reference.models import LimitStage, ReferenceRevision, TimeLimitRule
from tests.factories import MONDAY, lead_of, make_order

pytestmark = pytest.mark.django_db


def _sign_rule() -> TimeLimitRule:
    return TimeLimitRule.objects.get(stage=LimitStage.SIGN, request_type=None)


def _dispatched_sign_limit(dept_a) -> int:
    with clock.frozen(MONDAY):
        order = make_order("accepted")
        order_dispatch(order=order, lead=dept_a)
    return lead_of(order).limits["sign"]["amount"]


def test_a_rule_edited_in_the_admin_is_used_by_the_next_dispatch(admin_client, dept_a):
    rule = _sign_rule()
    before = _dispatched_sign_limit(dept_a)  # the policy is now in this process's memory
    page = admin_client.get(f"/admin/reference/timelimitrule/{rule.pk}/change/")
    form = page.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}

    response = admin_client.post(
        f"/admin/reference/timelimitrule/{rule.pk}/change/", {**data, "amount": before + 3}
    )

    errors = response.context and response.context["adminform"].form.errors
    assert response.status_code == 302, errors
    assert _dispatched_sign_limit(dept_a) == before + 3


def test_a_template_edited_is_used_by_the_next_message():
    with clock.frozen(MONDAY):
        make_order("accepted", requester_phone="+8613800138000")  # templates now in memory
    template = MessageTemplate.objects.get(code="order_accepted")
    template.body = "工单{number}已受理（新版）。"
    template.save()

    with clock.frozen(MONDAY):
        order = make_order("accepted", requester_phone="+8613800138000")

    assert OutboxMessage.objects.get(order=order).body == f"工单{order.number}已受理（新版）。"


def test_a_bulk_update_counts_as_an_edit(dept_a):
    before = _dispatched_sign_limit(dept_a)
    TimeLimitRule.objects.filter(pk=_sign_rule().pk).update(amount=before + 1)

    assert _dispatched_sign_limit(dept_a) == before + 1


def _edited_elsewhere(rule: TimeLimitRule, amount: int) -> None:
    """What another process's edit looks like from here: the rows changed, no signal in this
    process (plain SQL), and the revision with a new number."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TimeLimitRule._meta.db_table} SET amount = %s WHERE id = %s",
            [amount, rule.pk],
        )
        cursor.execute(f"UPDATE {ReferenceRevision._meta.db_table} SET number = number + 7")


def test_an_edit_in_another_process_is_seen_once_the_recheck_time_has_passed(
    settings, monkeypatch, dept_a
):
    ReferenceRevision.objects.update_or_create(pk=1, defaults={"number": 1})
    settings.MINYI = {**settings.MINYI, "REFERENCE_RECHECK_SECONDS": 5}
    now = [1000.0]
    monkeypatch.setattr(snapshots.time, "monotonic", lambda: now[0])
    snapshots.invalidate()
    rule = _sign_rule()
    before = _dispatched_sign_limit(dept_a)

    _edited_elsewhere(rule, before + 2)
    now[0] += 4  # within the recheck time: the copy in memory still serves
    assert next(r for r in policy() if r.pk == rule.pk).amount == before
    now[0] += 2  # past it: the revision moved, the rules are read again

    assert _dispatched_sign_limit(dept_a) == before + 2


def test_within_the_recheck_time_no_statement_reads_the_policy(django_assert_num_queries):
    policy()

    with django_assert_num_queries(0):
        policy()
