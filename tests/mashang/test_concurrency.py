"""Citizens opening a station's page at the same moment still give each deputy one code
(PostgreSQL, threads): ``code_for`` locks the owner before it issues."""

from __future__ import annotations

import pytest

from minyi.mashang.models import MashangCode
from minyi.mashang.services import code_for, code_regenerate
from tests.factories import DeputyFactory
from tests.orders.test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_first_visits_at_once_issue_one_code():
    deputy = DeputyFactory(name="王代表")

    results = run_together(*[lambda: code_for(deputy) for _ in range(4)])

    assert [kind for kind, _ in results] == ["ok"] * 4, results
    assert len({code.code for _, code in results}) == 1
    assert MashangCode.objects.filter(deputy=deputy).count() == 1


def test_two_regenerations_at_once_leave_one_active_code():
    deputy = DeputyFactory(name="王代表")
    code_for(deputy)

    results = run_together(*[lambda: code_regenerate(deputy) for _ in range(2)])

    assert [kind for kind, _ in results] == ["ok"] * 2, results
    assert MashangCode.objects.filter(deputy=deputy, is_active=True).count() == 1
    assert MashangCode.objects.filter(deputy=deputy).count() == 3
