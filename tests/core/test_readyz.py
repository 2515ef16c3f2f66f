"""`GET /readyz`: the database, the background processes' heartbeats and the outbox; 503 with
the reasons when anything is stale (README "Background worker")."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from minyi.core.models import ProcessHeartbeat, ProcessKind
from minyi.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


def beat(kind: str, *, ago: float, name: str = "w1") -> None:
    now = timezone.now()
    ProcessHeartbeat.objects.update_or_create(
        kind=kind,
        name=name,
        defaults={
            "host": "app1",
            "pid": 4242,
            "started_at": now - timedelta(hours=1),
            "beat_at": now - timedelta(seconds=ago),
        },
    )


def waiting_message(*, ago: float, status: str = "pending") -> OutboxMessage:
    created = timezone.now() - timedelta(seconds=ago)
    return OutboxMessage.objects.create(
        idempotency_key=f"k{ago}{status}",
        channel="sms",
        recipient_phone="+8613900000001",
        template_code="order_accepted",
        body="受理告知",
        status=status,
        created_at=created,
        next_attempt_at=created,
    )


@pytest.fixture
def both_alive():
    beat(ProcessKind.WORKER, ago=2)
    beat(ProcessKind.SCHEDULER, ago=1, name="app1:77")


def test_a_fresh_install_with_no_worker_yet_is_not_ready_and_says_why(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["database"] == {"status": "ok"}
    assert body["worker"]["status"] == body["scheduler"]["status"] == "missing"
    assert body["reasons"] == [
        "从未收到后台任务进程（db_worker）的心跳：请启动 manage.py db_worker。",
        "从未收到定时任务进程（scheduler）的心跳：请启动 manage.py scheduler。",
    ]


def test_it_is_ready_when_worker_and_scheduler_beat_and_nothing_waits(client, both_alive):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["worker"] == {
        "status": "ok",
        "age_seconds": pytest.approx(2, abs=1),
        "max_age_seconds": 60,
    }
    assert body["outbox"] == {
        "status": "ok",
        "oldest_pending_age_seconds": None,
        "max_age_seconds": 600,
    }


def test_a_worker_silent_for_longer_than_the_limit_makes_it_not_ready(client, both_alive):
    beat(ProcessKind.WORKER, ago=61)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["worker"]["status"] == "stale"
    assert response.json()["reasons"] == [
        "后台任务进程（db_worker）已 61 秒没有心跳（上限 60 秒）。"
    ]


def test_one_live_worker_among_stopped_ones_is_enough(client, both_alive):
    beat(ProcessKind.WORKER, ago=3600, name="old")

    assert client.get("/readyz").status_code == 200


def test_a_message_waiting_longer_than_the_limit_makes_it_not_ready(client, both_alive):
    waiting_message(ago=30)
    assert client.get("/readyz").json()["outbox"]["oldest_pending_age_seconds"] == pytest.approx(
        30, abs=1
    )
    assert client.get("/readyz").status_code == 200

    waiting_message(ago=700, status="sending")  # taken by a worker that never finished it
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["outbox"]["status"] == "stale"
    assert "最早的待发消息已等待 700 秒" in response.json()["reasons"][0]


def test_sent_and_failed_messages_do_not_count(client, both_alive):
    waiting_message(ago=7200, status="sent")
    waiting_message(ago=7200, status="failed")

    assert client.get("/readyz").status_code == 200


def test_the_limits_are_settings(client, both_alive, settings):
    settings.MINYI = {**settings.MINYI, "READY_HEARTBEAT_MAX_AGE": 1}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["worker"]["max_age_seconds"] == 1


def test_an_unreachable_database_is_503_and_the_rest_unknown(client, both_alive):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "not_ready",
        "database": {"status": "unreachable"},
        "worker": {"status": "unknown"},
        "scheduler": {"status": "unknown"},
        "outbox": {"status": "unknown"},
        "reasons": ["数据库无法连接。"],
    }


def test_readyz_names_nothing_about_the_software_stack(client, both_alive):
    text = json.dumps(client.get("/readyz").json(), ensure_ascii=False).lower()

    for word in ("postgres", "sqlite", "django", "python", "psycopg", "uvicorn", "version"):
        assert word not in text


def test_readyz_needs_no_login_is_never_cached_and_answers_only_get(client, both_alive):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"
    assert client.post("/readyz").status_code == 405


def test_the_readiness_limits_have_documented_defaults():
    from django.conf import settings

    MINYI = settings.MINYI
    assert MINYI["READY_HEARTBEAT_MAX_AGE"] == 60
    assert MINYI["READY_OUTBOX_MAX_AGE"] == 600
    assert MINYI["HEARTBEAT_SECONDS"] == 5
    assert MINYI["DB_RETRY_MAX_SECONDS"] == 30


def test_a_database_that_answers_with_an_error_is_told_apart_from_one_that_is_away(
    client, both_alive
):
    missing = sqlite3.OperationalError("no such table: core_processheartbeat")
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError(str(missing)).with_traceback(None),
    ) as execute:
        execute.side_effect.__cause__ = missing
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == {"status": "error"}
    assert response.json()["reasons"] == ["数据库查询失败：是否已执行 manage.py migrate？"]
