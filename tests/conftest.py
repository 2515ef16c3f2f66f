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
