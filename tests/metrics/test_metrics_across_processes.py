"""With PROMETHEUS_MULTIPROC_DIR shared, the web's /metrics adds up what the background
processes counted: the SMS a worker sent, the SLA scan it ran (README "Metrics")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from minyi.notify.models import OutboxMessage
from tests.factories import MONDAY, make_order
from tests.notify.test_worker_crash import database_url


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *command],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_the_web_shows_what_the_worker_processes_counted(client, settings, tmp_path, hana):
    make_order("signed", at=MONDAY, handler=hana)  # long overdue: the scan marks it red
    sms = OutboxMessage.objects.filter(channel="sms", status="pending").count()
    assert sms >= 1
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {
        "DATABASE_URL": database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
        "MINYI_SMS_BACKEND": "file",
        "MINYI_SMS_FILE": str(tmp_path / "sms.jsonl"),
    }

    # two processes, as a db_worker sending and another running the scan would be
    children = [start(["outbox_sweep", "--until-empty"], env), start(["sla_scan"], env)]
    for child in children:
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err.decode()

    settings.PROMETHEUS_MULTIPROC_DIR = str(shared)  # this web process reads the directory
    text = client.get("/metrics").content.decode()

    assert f"minyi_sms_sent_total {float(sms)}" in text
    assert 'minyi_sla_scan_marks_total{level="red"} 1.0' in text
    assert "minyi_sla_scan_duration_seconds_count 1.0" in text
    assert "minyi_outbox_pending_messages 0.0" in text  # and the state from the database
