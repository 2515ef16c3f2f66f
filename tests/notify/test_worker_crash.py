"""Kill the sender between the provider call and recording it: after a restart every message
has been delivered exactly once (the lease hands the row to the restarted worker, and the
idempotency key makes the deduplicating provider ignore the second send)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from minyi.notify.models import OutboxMessage

MESSAGES = 30


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_sender(sms_file: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MINYI_SMS_BACKEND": "file",
        "MINYI_SMS_FILE": str(sms_file),
        "MINYI_SMS_PAUSE_AFTER_SEND_MS": "150",  # the kill lands in this gap
        "MINYI_SMS_LEASE_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "outbox_sweep", "--until-empty", "--limit", "1000"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def lines(sms_file: Path) -> list[dict]:
    if not sms_file.exists():
        return []
    return [json.loads(line) for line in sms_file.read_text().splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True)
def test_killing_the_sender_mid_send_loses_no_message_and_sends_none_twice(tmp_path):
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            idempotency_key=f"crash:{i}",
            channel="sms",
            recipient_phone=f"+86139{i:08d}",
            template_code="order_accepted",
            params={},
            body=f"第{i}条",
            created_at=now,
            next_attempt_at=now,
        )
        for i in range(MESSAGES)
    )
    sms_file = tmp_path / "sms.jsonl"

    sender = start_sender(sms_file)
    deadline = time.monotonic() + 60
    while len(lines(sms_file)) < MESSAGES // 3:
        assert sender.poll() is None, sender.stderr.read().decode()
        assert time.monotonic() < deadline, "the sender made no progress"
        time.sleep(0.005)
    time.sleep(0.05)  # the newest line is on the "provider"; its row is not yet marked sent
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    sender.stderr.close()

    written = len(lines(sms_file))
    assert 0 < written < MESSAGES
    # the message on the wire when the kill came was delivered but not recorded as sent
    sent = OutboxMessage.objects.filter(status="sent").count()
    assert OutboxMessage.objects.filter(status="sending").count() == 1
    assert sent == written - 1

    restarted = start_sender(sms_file)
    try:
        _, stderr = restarted.communicate(timeout=90)
    finally:
        restarted.kill()
    assert restarted.returncode == 0, stderr.decode()

    keys = [line["key"] for line in lines(sms_file)]
    assert sorted(keys) == sorted(f"crash:{i}" for i in range(MESSAGES))  # each exactly once
    assert OutboxMessage.objects.exclude(status="sent").count() == 0
    # the interrupted one was taken over after its lease and sent a second time, with the same
    # key: the provider deduplicated it
    assert OutboxMessage.objects.filter(attempts=2).count() == 1
