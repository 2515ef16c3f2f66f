"""`GET /healthz` answers 200 when the database is reachable (DESIGN §8)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_with_the_database_in_use(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": connection.vendor}


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_needs_no_login(client):
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200
