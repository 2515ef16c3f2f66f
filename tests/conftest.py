"""Shared fixtures. Personas follow healthchecks' style: each role has one named person."""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    """On SQLite, PostgreSQL-only tests are skipped — unless CI demands PostgreSQL, where a
    skip would hide a missing run, so it fails instead."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _require_database_in_ci(django_db_setup):
    if os.environ.get("MINYI_REQUIRE_POSTGRES") and connection.vendor != "postgresql":
        pytest.exit(
            "MINYI_REQUIRE_POSTGRES is set but the tests run on " + connection.vendor, returncode=3
        )


# -- appended: isolation and role personas ------------------------------------------------------


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Each transactional test ends with a flush that empties the tables the migrations seed
    (request types, time-limit rules, the calendar), so an earlier transactional test leaves
    them empty. Run the same seed functions again; they skip what exists. (serialized_rollback
    cannot be relied on: once the browser tests' Playwright session has started, the default
    connection is a new wrapper without the serialized contents.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if transactional:
        from importlib import import_module

        from django.apps import apps

        request.getfixturevalue("transactional_db")
        for module in (
            "minyi.reference.migrations.0002_seed_policy",
            "minyi.reference.migrations.0003_dispatch_limit_and_clock_starts",
            "minyi.workdays.migrations.0002_seed_calendar",
            "minyi.notify.migrations.0002_seed_templates",
            "minyi.notify.migrations.0003_supervision_words_agree",
            "minyi.notify.migrations.0004_dispatch_warning_templates",
            "minyi.notify.migrations.0005_reply_result_texts",
            "minyi.notify.migrations.0015_suggestion_texts",
        ):
            import_module(module).seed(apps, None)
    yield


@pytest.fixture(autouse=True)
def _fresh_calendar_snapshot():
    """The calendar snapshot is process-wide and rechecked only every few seconds; a test that
    edits the calendar is rolled back afterwards, so every test starts from the database. The
    same for the reference snapshots (time-limit rules, message templates)."""
    from minyi.notify import services as outbox
    from minyi.reference import snapshots
    from minyi.workdays import calendar

    calendar.invalidate()
    snapshots.invalidate()
    outbox.unsent_forget()  # ids written by an earlier test's transaction, never committed
    yield
    calendar.invalidate()
    snapshots.invalidate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded attachments (a return's leader opinion) go to a temporary folder, not var/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")


@pytest.fixture
def dept_a(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(name="市城市管理和综合执法局", short_name="城管局")


@pytest.fixture
def dept_b(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory(name="市住房和城乡建设局", short_name="住建局")


@pytest.fixture
def olivia(db):
    """Olivia the operator (话务员): records calls as work orders."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="olivia", last_name="欧", first_name="丽", role=Role.OPERATOR)


@pytest.fixture
def dan(db):
    """Dan the dispatcher (派单员): dispatches, rules on returns and extensions."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="dan", last_name="邓", first_name="安", role=Role.DISPATCHER)


@pytest.fixture
def hana(dept_a):
    """Hana the handler (承办人) at department A."""
    from tests.factories import HandlerFactory

    return HandlerFactory(username="hana", last_name="韩", first_name="娜", department=dept_a)


@pytest.fixture
def henry(dept_b):
    """Henry the handler (承办人) at department B."""
    from tests.factories import HandlerFactory

    return HandlerFactory(username="henry", last_name="何", first_name="利", department=dept_b)


@pytest.fixture
def carl(db):
    """Carl the callback agent (回访员): calls back, archives, sends back for redo."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="carl", last_name="蔡", first_name="乐", role=Role.CALLBACK)


@pytest.fixture
def ada(db):
    """Ada the system administrator (系统管理员): users' records, reference data, the deputy
    registry, the calendar; reads orders in the admin."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="ada", last_name="艾", first_name="达", role=Role.ADMIN)


@pytest.fixture
def sam(db):
    """Sam the security administrator (安全管理员): passwords, lock-outs, second factors,
    administrator roles, CTI tokens."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="sam", last_name="沈", first_name="安", role=Role.SECURITY)


@pytest.fixture
def audrey(db):
    """Audrey the audit administrator (审计管理员): reads the audit and access logs."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="audrey", last_name="欧", first_name="德", role=Role.AUDIT)


@pytest.fixture
def admin_client(client, ada):
    """The admin as the system administrator, second factor given (replaces pytest-django's
    superuser client: there are no superusers)."""
    from tests.logins import verified_login

    return verified_login(client, ada)


@pytest.fixture
def security_client(client, sam):
    from tests.logins import verified_login

    return verified_login(client, sam)


@pytest.fixture
def audit_client(client, audrey):
    from tests.logins import verified_login

    return verified_login(client, audrey)


@pytest.fixture
def deputy(db):
    """A registered city-level deputy with one phone number."""
    from tests.factories import DeputyFactory

    return DeputyFactory(name="王代表")


from tests.factories import LI_LANDLINE, ZHANG_MOBILE  # noqa: E402

# -- callers: deputies who phone the hotline, and the PBX that reports it ---------------------
# 张三 sits in four congresses (湖南省, 湘潭市, 韶山市, 银田镇) and calls from a mobile; 李四 sits
# in 韶山市人大 only and calls from an office landline. The PBX holds one token.


@pytest.fixture
def zhang(db):
    """张三: provincial deputy who also sits in three lower congresses."""
    from minyi.deputies.models import DeputyPhone, Level
    from tests.factories import DeputyFactory, seat

    person = DeputyFactory(name="张三", phone=None, mandate=None)
    DeputyPhone.objects.create(deputy=person, number=ZHANG_MOBILE, is_primary=True)
    # Created out of order on purpose: the banner sorts them.
    seat(person, "银田镇人大", Level.TOWNSHIP)
    seat(person, "韶山市人大", Level.CITY)
    seat(person, "湖南省人大", Level.PROVINCIAL)
    seat(person, "湘潭市人大", Level.CITY)
    return person


@pytest.fixture
def li(db):
    """李四: a 韶山 city deputy with an office landline."""
    from minyi.deputies.models import DeputyPhone, Level
    from tests.factories import DeputyFactory, seat

    person = DeputyFactory(name="李四", phone=None, mandate=None)
    DeputyPhone.objects.create(deputy=person, number=LI_LANDLINE, is_primary=True)
    seat(person, "韶山市人大", Level.CITY)
    return person


@pytest.fixture
def pbx_token(db) -> str:
    """The plain Bearer token the PBX sends."""
    from tests.factories import cti_token

    return cti_token("呼叫中心 PBX")[1]


@pytest.fixture
def pbx(client, pbx_token):
    """Post one event as the PBX: ``pbx(event="ring", call_id="c1", **{"from": "..."})``."""

    def send(body=None, *, token: str | None = pbx_token, raw: bytes | None = None, **fields):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        data = raw if raw is not None else json.dumps(body if body is not None else fields)
        return client.post("/api/cti/events", data=data, content_type="application/json", **headers)

    return send


@pytest.fixture
def log_lines():
    """What the app's own console handler (settings.LOGGING: its filters and format) writes
    during the test, one parsed JSON object per line: ``log_lines()``."""
    import io
    import logging

    from minyi.core.log_context import ContextFilter

    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, ContextFilter) for f in handler.filters)
    )
    stream = io.StringIO()
    before = console.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    console.setStream(before)
