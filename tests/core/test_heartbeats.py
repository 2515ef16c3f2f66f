"""Heartbeats: each background process rewrites its own row, cheaply, every few seconds."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minyi.core.heartbeats import Heartbeat
from minyi.core.models import ProcessHeartbeat, ProcessKind

pytestmark = pytest.mark.django_db


def test_the_row_says_which_process_on_which_host_and_when():
    Heartbeat(kind=ProcessKind.WORKER, name="w-7f3a").beat()

    row = ProcessHeartbeat.objects.get()
    assert (row.kind, row.name, row.host, row.pid) == (
        "worker",
        "w-7f3a",
        socket.gethostname(),
        os.getpid(),
    )
    assert timezone.now() - row.beat_at < timedelta(seconds=5)
    assert row.started_at <= row.beat_at


def test_a_beat_is_one_statement_and_rewrites_the_same_row():
    heartbeat = Heartbeat(kind=ProcessKind.SCHEDULER, name="app1:77", every=0)
    heartbeat.beat()
    first = ProcessHeartbeat.objects.get().beat_at

    with CaptureQueriesContext(connection) as queries:
        heartbeat.beat()

    assert len(queries) == 1
    assert ProcessHeartbeat.objects.count() == 1
    assert ProcessHeartbeat.objects.get().beat_at > first


def test_beats_are_written_at_most_every_few_seconds_unless_forced():
    heartbeat = Heartbeat(kind=ProcessKind.WORKER, name="w1", every=60)
    assert heartbeat.beat() is True

    with CaptureQueriesContext(connection) as queries:
        assert heartbeat.beat() is False
    assert len(queries) == 0

    assert heartbeat.beat(force=True) is True  # a loop probing the database it lost


def test_the_interval_is_a_setting(settings):
    settings.MINYI = {**settings.MINYI, "HEARTBEAT_SECONDS": 2}

    assert Heartbeat(kind=ProcessKind.WORKER, name="w1").every == 2


def test_rows_of_processes_gone_for_a_week_are_forgotten_when_a_process_starts():
    now = timezone.now()
    for name, days in (("gone", 8), ("yesterday", 1)):
        ProcessHeartbeat.objects.create(
            kind="worker",
            name=name,
            host="h",
            pid=1,
            started_at=now,
            beat_at=now - timedelta(days=days),
        )

    Heartbeat(kind=ProcessKind.WORKER, name="new").beat()

    assert set(ProcessHeartbeat.objects.values_list("name", flat=True)) == {"yesterday", "new"}
