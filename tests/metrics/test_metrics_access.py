"""Who may read /metrics: the host's own scraper on the loopback, or the holder of
MINYI_METRICS_TOKEN. Everyone else gets the site's ordinary 404, as if the address did not
exist (README "Metrics")."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-test-suite-0123456789"
PUBLIC = "203.0.113.9"


@pytest.fixture
def token(settings):
    settings.MINYI_METRICS_TOKEN = TOKEN
    return TOKEN


def page(response) -> bytes:
    # the CSRF token in the page is masked afresh on every request
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", response.content)


def not_found_like_any_other_address(client, response) -> None:
    unknown = client.get("/no-such-page")
    assert response.status_code == unknown.status_code == 404
    assert page(response) == page(unknown)
    assert b"minyi_" not in response.content


def test_the_hosts_own_scraper_on_the_loopback_reads_the_metrics(client):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "minyi_database_up 1.0" in response.content.decode()


@pytest.mark.parametrize("address", ["::1", "::ffff:127.0.0.1", "127.0.0.2"])
def test_every_loopback_address_counts_as_local(client, address):
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 200


def test_a_public_address_gets_the_ordinary_404(client):
    response = client.get("/metrics", REMOTE_ADDR=PUBLIC)

    not_found_like_any_other_address(client, response)


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_X_FORWARDED_FOR": PUBLIC},
        {"HTTP_X_REAL_IP": PUBLIC},
        {"HTTP_FORWARDED": f"for={PUBLIC};proto=https"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
    ],
    ids=["x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-proto"],
)
def test_a_request_the_reverse_proxy_forwarded_from_the_loopback_is_refused(client, header):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **header)

    not_found_like_any_other_address(client, response)


def test_the_token_opens_the_metrics_from_anywhere(client, token):
    response = client.get(
        "/metrics",
        REMOTE_ADDR=PUBLIC,
        HTTP_X_FORWARDED_FOR=PUBLIC,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    assert response.status_code == 200
    assert "minyi_database_up 1.0" in response.content.decode()


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token-of-the-same-length-0123456789ab",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer ",
    ],
    ids=["wrong", "too-short", "too-long", "basic", "no-scheme", "empty"],
)
def test_a_wrong_token_from_outside_is_refused(client, token, authorization):
    response = client.get("/metrics", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION=authorization)

    not_found_like_any_other_address(client, response)


@pytest.mark.parametrize("authorization", ["Bearer ", "Bearer", "Bearer  "])
def test_with_no_token_configured_an_empty_bearer_opens_nothing(client, settings, authorization):
    settings.MINYI_METRICS_TOKEN = ""

    response = client.get("/metrics", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION=authorization)

    not_found_like_any_other_address(client, response)


def test_another_method_from_outside_is_a_404_too_never_a_405(client):
    assert client.post("/metrics", REMOTE_ADDR=PUBLIC).status_code == 404
    assert client.post("/metrics").status_code == 405


def test_plain_http_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/metrics").status_code == 200
    assert client.get("/no-such-page").status_code == 301  # the rest of the site is


# -- the settings refuse what would silently not work -----------------------------------------


def test_a_short_token_is_refused_when_the_app_starts(tmp_path):
    from tests.core.test_settings import manage_check

    result = manage_check(tmp_path, MINYI_METRICS_TOKEN="short")

    assert result.returncode != 0
    assert "MINYI_METRICS_TOKEN must be at least 32 characters" in result.stderr


def test_a_missing_multiprocess_directory_is_refused_when_the_app_starts(tmp_path):
    from tests.core.test_settings import manage_check

    result = manage_check(tmp_path, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "nowhere"))

    assert result.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR=" in result.stderr
    assert "must be an existing directory" in result.stderr
