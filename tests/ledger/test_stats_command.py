"""``python manage.py stats``: one JSON object, the stable contract of issue 11."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minyi.core import clock
from minyi.ledger import stats
from minyi.orders.models import Channel
from tests.factories import DeputyFactory, at, make_order

pytestmark = pytest.mark.django_db

RATE_KEYS = [key for key, *_ in stats.RATES]


def run(*args) -> dict:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    text = out.getvalue()
    assert text.count("\n") <= 1  # one object, one line
    return json.loads(text)


@pytest.fixture
def november(db):
    deputy = DeputyFactory()
    for _ in range(10):
        make_order("archived", at=at(2026, 11, 9, 10), channel=Channel.DEPUTY_CALL, deputy=deputy)
    make_order("accepted", at=at(2026, 11, 20, 10), channel=Channel.QR_MESSAGE, deputy=deputy)
    make_order("rejected", at=at(2026, 11, 21, 10), channel=Channel.DEPUTY_CALL, deputy=deputy)
    make_order("archived", at=at(2026, 11, 9, 10))  # a citizen's call
    make_order("archived", at=at(2026, 10, 31, 10), channel=Channel.DEPUTY_CALL, deputy=deputy)


def test_the_month_of_the_deputy_channels_as_one_json_object(november):
    with clock.frozen(at(2026, 12, 1, 9)):
        f = run("--month", "2026-11")

    for key in ("orders", "accepted", "closed", *RATE_KEYS):
        assert key in f
    assert f["orders"] == 12 and f["accepted"] == 11 and f["closed"] == 10 and f["rejected"] == 1
    assert f["satisfaction_rate"] == 1.0 and f["resolution_rate"] == 1.0
    assert f["on_time_sign_rate"] == 1.0 and f["return_rate"] == 0.0
    assert f["redo_rate"] == 0.0 and f["callback_rate"] == 1.0
    assert f["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    assert f["channel"] == "deputy"
    # counts are integers, rates fractions
    assert isinstance(f["orders"], int) and isinstance(f["on_time_reply_rate"], float)


def test_a_rate_below_the_minimum_sample_is_null(november):
    f = run("--from", "2026-11-20", "--to", "2026-11-30")

    assert f["orders"] == 2 and f["period"] == {"from": "2026-11-20", "to": "2026-11-30"}
    assert all(f[key] is None for key in RATE_KEYS)


def test_channel_all_counts_every_channel_and_one_channel_can_be_asked_for(november):
    assert run("--month", "2026-11", "--channel", "all")["orders"] == 13
    assert run("--month", "2026-11", "--channel", "all")["channel"] == "all"
    only = run("--month", "2026-11", "--channel", Channel.QR_MESSAGE)
    assert only["orders"] == 1 and only["channel"] == "qr_message"


def test_without_a_period_the_previous_month(november):
    with clock.frozen(at(2026, 12, 1, 9)):
        f = run()

    assert f["period"] == {"from": "2026-11-01", "to": "2026-11-30"} and f["orders"] == 12


@pytest.mark.parametrize(
    "args",
    [
        ("--month", "2026-13"),
        ("--month", "2026-11", "--from", "2026-11-01", "--to", "2026-11-02"),
        ("--from", "2026-11-01"),
        ("--from", "2026-11-05", "--to", "2026-11-01"),
        ("--from", "11/05/2026", "--to", "2026-11-06"),
    ],
)
def test_a_bad_period_is_refused(db, args):
    with pytest.raises(CommandError):
        run(*args)
