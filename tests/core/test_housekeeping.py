"""The monthly housekeeping: runs once a month, prunes by age, keeps the access log 6 months."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from minyi.core import clock
from minyi.core.housekeeping import housekeeping_monthly
from minyi.core.models import HousekeepingRun, IdempotencyKey
from minyi.privacy.models import PersonalDataAccess
from tests.factories import at, make_order

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_it_runs_once_a_month_and_again_the_next_month():
    with clock.frozen(at(2026, 11, 3, 2)):
        assert housekeeping_monthly() is not None
    with clock.frozen(at(2026, 11, 28, 2)):
        assert housekeeping_monthly() is None
    with clock.frozen(at(2026, 12, 1, 2)):
        assert housekeeping_monthly() is not None
    assert list(HousekeepingRun.objects.values_list("month", flat=True)) == ["2026-12", "2026-11"]


def test_access_log_rows_go_only_after_the_retention_period(dan):
    order = make_order("accepted")
    now = at(2026, 11, 3, 2)
    old = PersonalDataAccess.objects.create(
        user=dan, order=order, fields="联系电话", at=now - timedelta(days=731)
    )
    recent = PersonalDataAccess.objects.create(
        user=dan, order=order, fields="联系电话", at=now - timedelta(days=200)
    )

    with clock.frozen(now):
        run = housekeeping_monthly()

    assert run.summary["access_log"] == 1
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()
    assert PersonalDataAccess.objects.filter(pk=recent.pk).exists()


def test_the_answers_to_submitted_forms_go_after_a_week(dan):
    now = at(2026, 11, 3, 2)
    old, recent = (
        IdempotencyKey.objects.create(
            user=dan, key=uuid.uuid4(), scope="order x dispatch", created_at=now - timedelta(days=d)
        )
        for d in (8, 6)
    )

    with clock.frozen(now):
        run = housekeeping_monthly()

    assert run.summary["idempotency_keys"] == 1
    assert list(IdempotencyKey.objects.all()) == [recent]
    assert old.pk not in IdempotencyKey.objects.values_list("pk", flat=True)


def test_the_ledger_is_never_pruned():
    order = make_order("accepted", at=at(2020, 1, 6, 10))
    before = order.events.count()

    with clock.frozen(at(2026, 11, 3, 2)):
        housekeeping_monthly()

    assert order.events.count() == before > 0


def test_settings_refuse_an_access_log_kept_less_than_six_months():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"MINYI_ACCESS_LOG_KEEP_DAYS": "90", "DEBUG": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "MINYI_ACCESS_LOG_KEEP_DAYS" in result.stderr
