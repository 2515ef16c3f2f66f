"""While the database is unreachable a request gets a quick 503: a Chinese page, or JSON under
/api/; the page itself never touches the database (minyi/core/unavailable.py)."""

from __future__ import annotations

import logging
import re
from unittest import mock

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from minyi.core.unavailable import DatabaseUnavailableMiddleware

pytestmark = pytest.mark.django_db


def database_down(error: Exception | None = None):
    """Every statement fails from here on, as with the server gone."""
    error = error or OperationalError("connection failed: Connection refused")
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error)


@pytest.fixture
def signed_in(olivia):
    # The answer, as a browser gets it: the test client would re-raise the error the handler
    # already turned into the 503 (a signed-in request meets the database first in the session
    # gate, a middleware, so Django's handler500 answers it: error_views.server_error).
    client = Client(raise_request_exception=False)
    client.force_login(olivia)
    return client


def test_a_page_answers_a_chinese_503_page_that_needs_no_database(signed_in):
    with database_down():
        response = signed_in.get("/console/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "服务暂时不可用" in text and "请稍等片刻后刷新页面重试" in text
    assert response["Retry-After"] == "10"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_503_page_has_no_inline_script_or_style(signed_in):
    with database_down():
        text = signed_in.get("/console/").content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)", text)  # scripts only from files
    assert "<style" not in text and "style=" not in text


def test_the_api_answers_json_503_unavailable(signed_in):
    with database_down(InterfaceError("connection already closed")):
        response = signed_in.get("/api/orders/")

    assert response.status_code == 503
    assert response.json() == {"error": "系统暂时不可用，请稍后再试。", "code": "unavailable"}
    assert response["Retry-After"] == "10"


def test_a_views_outage_is_one_log_line_with_the_path_but_not_the_query_string(caplog):
    def view_meets_the_database(request):
        raise OperationalError("connection failed: Connection refused")

    middleware = DatabaseUnavailableMiddleware(view_meets_the_database)
    request = RequestFactory().get("/console/lookup/?phone=13800138000")

    with caplog.at_level(logging.WARNING, logger="minyi.unavailable"):
        try:
            view_meets_the_database(request)
        except OperationalError as error:
            response = middleware.process_exception(request, error)

    assert response.status_code == 503
    assert [r.getMessage() for r in caplog.records if r.name == "minyi.unavailable"] == [
        "database unavailable: GET /console/lookup/ "
        "(OperationalError: connection failed: Connection refused)"
    ]
    assert not any("13800138000" in r.getMessage() for r in caplog.records)


def test_other_errors_are_left_alone():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/work/")

    assert middleware.process_exception(request, ValueError("a bug")) is None
