"""`GET /healthz` answers 200 when the database is reachable (DESIGN §8), and names nothing
about the stack: a scanner learns neither the database nor the server from it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_and_nothing_else(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


def test_healthz_names_no_database_and_no_server(client):
    response = client.get("/healthz")

    text = (response.content + str(response.headers).encode()).decode().lower()
    for word in ("postgres", "sqlite", "django", "uvicorn", "python"):
        assert word not in text


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_needs_no_login(client):
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200
