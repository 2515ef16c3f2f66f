"""A backup is only as good as its restore (docs/deploy.md, "Backups"): deploy/backup.sh dumps
the database, deploy/restore.sh restores it into a new database, the app starts on that one, and
every table holds as many rows as before, the last order included."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from minyi.deputies.models import Deputy
from minyi.ledger.models import LedgerRow
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, OrderEvent, WorkOrder
from tests.factories import DeputyFactory, MessageFactory, make_order

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def url_of(database: str) -> str:
    """A postgres:// URL of the test server's ``database`` (as DATABASE_URL is written)."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
    return f"postgres://{quote(s['USER'], safe='')}{password}@{s['HOST']}:{s['PORT'] or 5432}/{database}"


def libpq_env() -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ, "PGHOST": s["HOST"] or "", "PGPORT": str(s["PORT"] or 5432)}
    env.update(PGUSER=s["USER"], PGPASSWORD=s["PASSWORD"] or "")
    return env


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args,
        cwd=PROJECT,
        env={**libpq_env(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def last_order_sql() -> str:
    return f"SELECT number, status FROM {WorkOrder._meta.db_table} ORDER BY id DESC LIMIT 1"


@pytest.fixture
def restored_name():
    """A database name no other run uses; dropped at the end whatever happened."""
    name = f"minyi_restore_{secrets.token_hex(6)}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dump_restores_into_a_new_database_the_app_starts_on_with_every_row(
    tmp_path, restored_name
):
    make_order("archived", channel=Channel.DEPUTY_CALL, deputy=DeputyFactory(name="王建华"))
    make_order("signed")
    MessageFactory()
    last = make_order("accepted", title="备份之后的最后一件")
    expected_last = WorkOrder.objects.order_by("-id").values_list("number", "status").first()
    assert expected_last[0] == last.number
    with connection.cursor() as cursor:
        before = row_counts(cursor)
    for model in (WorkOrder, OrderEvent, LedgerRow, Deputy, OutboxMessage):
        assert before[model._meta.db_table] > 0, model  # the dump has something to lose

    dumped = run(
        ["sh", "deploy/backup.sh", str(tmp_path / "backups")],
        DATABASE_URL=url_of(connection.settings_dict["NAME"]),
    )
    dump = Path(dumped.stdout.strip().splitlines()[-1])
    assert dump.name.startswith("minyi-") and dump.suffix == ".dump"
    assert dump.stat().st_mode & 0o077 == 0  # readable by its owner only

    run(["sh", "deploy/restore.sh", str(dump), restored_name, connection.settings_dict["USER"]])

    app = {
        "DATABASE_URL": url_of(restored_name),
        "DJANGO_SETTINGS_MODULE": "minyi.settings",
        "MINYI_VAR_DIR": str(tmp_path / "var"),
    }
    checked = run([sys.executable, "manage.py", "check", "--database", "default"], **app)
    assert "no issues" in checked.stdout
    run([sys.executable, "manage.py", "migrate", "--check"], **app)  # nothing left to apply
    served = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.test import Client; print(Client().get('/healthz').status_code)",
        ],
        **app,
    )
    assert served.stdout.strip().splitlines()[-1] == "200"

    with psycopg.connect(url_of(restored_name)) as restored, restored.cursor() as cursor:
        assert row_counts(cursor) == before
        cursor.execute(last_order_sql())
        assert cursor.fetchone() == expected_last
