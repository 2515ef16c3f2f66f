"""The 两人原则 holds when one security administrator grants and resets in two tabs at the same
moment: both lock the account first, so the second sees the first's audit row (PostgreSQL)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import AccountEvent, Role
from minyi.accounts.services import credentials, users
from tests.factories import UserFactory
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_granting_and_resetting_one_account_at_once_lets_only_one_through():
    sam = UserFactory(username="sam", role=Role.SECURITY)
    hana = UserFactory(username="hana", role=Role.OPERATOR)
    hana.set_password("Her-Own#2025")
    hana.save()

    results = run_together(
        lambda: users.user_update(actor=sam, user=hana, changes={"role": Role.ADMIN}),
        lambda: credentials.password_reset(actor=sam, user=hana),
    )

    assert sorted(kind for kind, _ in results) == ["error", "ok"], results  # either may win
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, users.AccountRefused) and "两人原则" in error.message
    granted = AccountEvent.objects.filter(user=hana, kind="role_changed").exists()
    reset = AccountEvent.objects.filter(user=hana, kind="password_reset").exists()
    assert granted != reset
