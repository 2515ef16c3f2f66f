"""The read replica (minyi/core/dbrouter.py): with ``DATABASE_REPLICA_URL`` the ledger page, its
exports and the statistics read from the replica while every write stays on the primary; without
it nothing changes. The replica here is a second connection to the test database itself (a
streaming replica is a copy of the primary), so the tests see which connection ran each query."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from minyi.accounts.models import User
from minyi.core.dbrouter import REPLICA, reading_from_replica, replica_configured
from minyi.ledger.exports.services import export_job_create, export_job_run
from minyi.ledger.models import ExportJob, ExportState, LedgerRow
from minyi.orders.models import Channel
from tests.core.test_settings import manage_check, settings_in_a_fresh_process
from tests.factories import DepartmentFactory, DeputyFactory, keyed, make_order
from tests.workbench.lists_helpers import liaison_user, numbers

LEDGER_TABLE = LedgerRow._meta.db_table


@pytest.fixture
def replica(transactional_db):
    """The alias ``replica`` on the test database; the data is committed (a transactional test),
    so the second connection sees it. Removed again before the test case's own teardown.

    Django's test case refuses to open a connection for an alias that was not configured when
    it started, so this one is opened here, at once, and kept open (no pool, no maximum age:
    the request signals would otherwise close it)."""
    primary = connections["default"].settings_dict
    options = {k: v for k, v in primary["OPTIONS"].items() if k != "pool"}
    connections.settings[REPLICA] = {**primary, "OPTIONS": options, "CONN_MAX_AGE": None}
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def lena_reads(client):
    client.force_login(liaison_user())
    return client


def deputy_call():
    return make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=DeputyFactory())


def queries_on(connection, run):
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return result, [q["sql"] for q in captured.captured_queries]


def test_the_ledger_page_its_export_and_the_statistics_read_from_the_replica(replica, lena_reads):
    order = deputy_call()

    page, on_replica = queries_on(replica, lambda: lena_reads.get("/work/ledger/"))
    assert page.status_code == 200
    assert numbers(page) == [order.number]
    assert any(LEDGER_TABLE in sql for sql in on_replica)

    export, on_replica = queries_on(
        replica, lambda: lena_reads.post("/work/ledger/export/", keyed(format="xlsx"))
    )
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment")
    assert any(LEDGER_TABLE in sql for sql in on_replica)

    for url in ("/work/stats/", "/work/stats/departments/", "/work/stats/deputies/"):
        response, on_replica = queries_on(replica, lambda url=url: lena_reads.get(url))
        assert response.status_code == 200, url
        assert on_replica, url

    # a long export, written by the worker: its rows from the replica, its job row on the primary
    job = export_job_create(
        user=User.objects.get(username="lena"), format="xlsx", params={}, rows_total=1
    )
    done, on_replica = queries_on(replica, lambda: export_job_run(job.pk))
    assert (done.state, done.rows_done) == (ExportState.DONE, 1)
    assert any(LEDGER_TABLE in sql for sql in on_replica)
    assert not any(ExportJob._meta.db_table in sql for sql in on_replica)


def test_inside_the_replica_context_writes_and_reads_in_a_transaction_stay_on_the_primary(
    replica,
):
    primary = connections["default"]

    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as seen:
        with reading_from_replica():
            written = DepartmentFactory(name="市信访局")
            with transaction.atomic():
                # a read that may need to see the transaction's own writes
                assert type(written).objects.filter(pk=written.pk).exists()

    assert any("INSERT" in q["sql"] for q in on_primary.captured_queries)
    assert seen.captured_queries == []


def test_reads_outside_the_context_stay_on_the_primary(replica, lena_reads):
    deputy_call()

    with CaptureQueriesContext(replica) as seen:
        assert lena_reads.get("/work/reports/").status_code == 200
        assert LedgerRow.objects.count() == 1

    assert seen.captured_queries == []


@pytest.mark.django_db
def test_without_a_replica_the_ledger_page_reads_the_primary_as_before(lena_reads):
    order = deputy_call()

    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = lena_reads.get("/work/ledger/")

    assert not replica_configured()
    assert numbers(response) == [order.number]
    assert any(LEDGER_TABLE in q["sql"] for q in on_primary.captured_queries)


# -- the setting ----------------------------------------------------------------------------------


def databases_seen(tmp_path, **overrides: str) -> dict:
    """settings.DATABASES as a process started with this environment reads them."""
    return settings_in_a_fresh_process(
        tmp_path,
        {"databases": "s.DATABASES", "routers": "s.DATABASE_ROUTERS"},
        **{"DATABASE_URL": "postgres://minyi@db1.example:5432/minyi", **overrides},
    )


def test_database_replica_url_adds_a_replica_the_test_runner_mirrors(tmp_path):
    seen = databases_seen(
        tmp_path, DATABASE_REPLICA_URL="postgres://minyi_ro@db2.example:5432/minyi"
    )

    replica = seen["databases"]["replica"]
    assert (replica["HOST"], replica["USER"]) == ("db2.example", "minyi_ro")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert seen["routers"] == ["minyi.core.dbrouter.ReplicaRouter"]


def test_server_side_cursors_stay_on_unless_pgbouncer_transaction_mode_turns_them_off(tmp_path):
    default = databases_seen(tmp_path)["databases"]["default"]
    behind_pgbouncer = databases_seen(tmp_path, DB_POOL_MAX="0", DB_SERVER_SIDE_CURSORS="0")

    assert default["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert behind_pgbouncer["databases"]["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "pool" not in behind_pgbouncer["databases"]["default"]["OPTIONS"]


def test_a_replica_on_sqlite_is_refused_with_a_clear_message(tmp_path):
    result = manage_check(tmp_path, DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'r.sqlite3'}")

    assert result.returncode != 0
    assert "the primary and the replica must be PostgreSQL" in result.stderr
