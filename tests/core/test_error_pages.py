"""What a refusal looks like: a Chinese page with a way back, or under /api/ the API's one JSON
shape ``{"error", "code"}`` — for errors no view answered itself too."""

from __future__ import annotations

import re

import pytest
from django.db import OperationalError, connection, connections
from django.template import loader
from django.test.utils import CaptureQueriesContext

from minyi.core import error_views
from minyi.core.reconnect import is_database_outage
from tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # see the 500 page, as a visitor would
    return client


def page_text(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_a_missing_page_is_in_chinese_with_a_way_home(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    text = page_text(response)
    assert "页面不存在" in text and 'href="/"' in text and "返回首页" in text
    assert 'lang="zh-hans"' in text


def test_a_missing_order_comes_back_to_the_page_it_was_opened_from(client, dan):
    client.force_login(dan)

    response = client.get(
        "/work/orders/12345-20990101-000001/", HTTP_REFERER="http://testserver/work/dispatch/"
    )

    assert response.status_code == 404
    assert 'href="http://testserver/work/dispatch/"' in page_text(response)


def test_a_back_link_never_leads_to_another_site(client, dan):
    client.force_login(dan)

    response = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")

    assert "evil.example" not in page_text(response)


def test_under_the_api_a_missing_path_answers_json(client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"error": error_views.NOT_FOUND.message, "code": "not_found"}


def test_an_order_the_api_cannot_find_is_said_in_chinese(client, dan):
    client.force_login(dan)

    response = client.get("/api/orders/12345-20990101-000001/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "No WorkOrder" not in response.json()["error"]


def test_a_forbidden_page_says_why_in_chinese(client, hana):
    client.force_login(hana)

    response = client.get("/console/")

    assert response.status_code == 403
    text = page_text(response)
    assert "无权访问" in text and "您的角色不能使用此页面。" in text


def test_opening_a_button_only_address_is_a_chinese_405_that_keeps_allow(client, dan):
    client.force_login(dan)

    response = client.get("/work/orders/12345-20990101-000001/sign/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "不支持的请求方式" in page_text(response)


@pytest.mark.urls("tests.core.error_urls")
def test_a_bug_is_a_chinese_500_page(client):
    response = client.get("/boom/")

    assert response.status_code == 500
    assert "系统出错" in page_text(response)


@pytest.mark.urls("tests.core.error_urls")
def test_a_bug_under_the_api_answers_json(client):
    response = client.get("/api/boom/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


@pytest.mark.urls("tests.core.error_urls")
def test_a_database_away_is_a_503_page_saying_to_retry(client):
    response = client.get("/database-away/")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "系统暂时不可用" in page_text(response)


@pytest.mark.urls("tests.core.error_urls")
def test_a_database_away_under_the_api_answers_json_unavailable(client):
    response = client.get("/api/database-away/")

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


@pytest.mark.urls("tests.core.error_urls")
class Untouchable:
    """A request attribute that fails the test if an error page so much as looks at it."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute):
        raise AssertionError(f"the error page read request.{self._name}.{attribute}")


def test_the_500_and_503_pages_read_nothing_from_the_database(rf):
    request = rf.get("/work/dispatch/")
    request.session, request.user = Untouchable("session"), Untouchable("user")

    with CaptureQueriesContext(connection) as queries:
        failed = error_views.server_error(request)
        away = error_views.unavailable(request)

    assert (failed.status_code, away.status_code) == (500, 503)
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_with_the_database_unreachable_a_signed_in_page_answers_503(client, dan, monkeypatch):
    client.force_login(dan)

    def refuse(self):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(type(connections["default"]), "ensure_connection", refuse)
    page = client.get("/work/dispatch/")
    api = client.get("/api/orders/")

    assert page.status_code == 503 and "系统暂时不可用" in page_text(page)
    assert api.status_code == 503 and api.json()["code"] == "unavailable"


def test_a_database_failure_is_told_apart_from_a_bug():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as cause:
            raise RuntimeError("while saving") from cause
    except RuntimeError as wrapped:
        assert is_database_outage(wrapped)
    assert not is_database_outage(ValueError("a bug"))
    assert not is_database_outage(None)


def test_a_stale_form_is_a_chinese_page_not_djangos_csrf_page(dan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "dan", "password": "x"})

    assert response.status_code == 403
    text = page_text(response)
    assert "页面已过期" in text and "刷新页面后重新提交" in text


def test_a_stale_session_under_the_api_is_json_csrf_failed(dan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dan)

    response = client.post(
        "/api/orders/12345-20990101-000001/actions/sign/", {}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "CSRF Failed" not in response.json()["error"]


def test_an_oversize_form_is_413_in_chinese(client, olivia, settings):
    client.force_login(olivia)

    response = client.post(
        "/console/intake/", {"content": "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)}
    )

    assert response.status_code == 413
    assert "提交的内容过大" in page_text(response)


def test_an_oversize_api_body_is_413_json(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    client.force_login(hana)

    response = client.post(
        f"/api/orders/{order.number}/actions/reply/",
        data='{"content": "' + "x" * (2 * 1024 * 1024) + '"}',
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_too_many_fields_is_a_400_saying_so(client, olivia, settings):
    client.force_login(olivia)
    body = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.post(
        "/console/intake/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "提交的字段或文件过多" in page_text(response)


@pytest.mark.parametrize("status", ["400", "403", "404", "405", "413", "500", "503", "csrf_failed"])
def test_error_pages_carry_no_inline_script_or_style(status):
    refusal = error_views.Refusal(0, "x", "标题", "说明")

    html = loader.render_to_string(f"errors/{status}.html", {"refusal": refusal})

    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "style=" not in html and "<style" not in html
    assert "返回首页" in html
