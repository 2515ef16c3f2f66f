"""Shared fixtures. Personas follow healthchecks' style: each role has one named person."""

from __future__ import annotations

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
def _fresh_calendar_snapshot():
    """The calendar snapshot is process-wide and rechecked only every few seconds; a test that
    edits the calendar is rolled back afterwards, so every test starts from the database."""
    from minyi.workdays import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


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
    """Ada the administrator (管理员): keeps the holiday calendar."""
    from minyi.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="ada", last_name="艾", first_name="达", role=Role.ADMIN)


@pytest.fixture
def deputy(db):
    """A registered city-level deputy with one phone number."""
    from tests.factories import DeputyFactory

    return DeputyFactory(name="王代表")
