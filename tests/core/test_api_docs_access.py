"""The OpenAPI schema and its Swagger UI are for signed-in users when DEBUG is off (public
only in a DEBUG demo); the UI runs without inline script, under the site's policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_cannot_read_the_schema(client):
    response = client.get("/api/schema/?format=json")

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_an_anonymous_visitor_is_sent_from_the_docs_to_the_login_page(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302 and response["Location"] == "/login/?next=/api/docs/"


def test_the_init_script_of_the_docs_needs_a_login_too(client):
    assert client.get("/api/docs/?script=").status_code in (302, 403)


def test_a_signed_in_user_reads_the_schema_with_the_webhook_in_it(client, hana):
    client.force_login(hana)

    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    assert "/api/cti/events" in response.json()["paths"]


def test_the_docs_load_their_script_from_a_file_not_inline(client, hana):
    client.force_login(hana)

    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    html = page.content.decode()
    assert page.status_code == 200 and '<script src="/api/docs/?script="></script>' in html
    assert "<style>" not in html and "<script>" not in html
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_with_debug_on_the_docs_are_public_for_the_demo(client, settings):
    settings.DEBUG = True

    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
