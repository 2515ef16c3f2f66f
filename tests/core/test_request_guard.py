"""A NUL byte, a lone surrogate or invalid UTF-8 anywhere in a request is a 400 before any view
or query sees it (on PostgreSQL a NUL in a query was a 500: text cannot hold it)."""

from __future__ import annotations

import pytest

from minyi.core.request_guard import UnsafeInput, check_request
from minyi.orders.models import OrderEvent
from tests.factories import make_order

pytestmark = pytest.mark.django_db


def refused(response, where: str = "") -> str:
    assert response.status_code == 400, response.content[:300]
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body["code"] == "bad_encoding"
        return body["error"]
    text = response.content.decode()
    assert "请求有误" in text and "不允许的字符" in text
    assert where in text
    return text


def test_a_nul_in_an_order_number_is_refused_on_the_page_and_the_api(client, dan):
    client.force_login(dan)

    refused(client.get("/work/orders/%00/"), "地址")
    assert "地址" in refused(client.get("/api/orders/%00/"))


def test_a_nul_in_a_search_is_refused(client, dan):
    client.force_login(dan)

    refused(client.get("/work/orders/_departments/?q=%00"), "查询参数")


def test_a_nul_in_a_call_to_prefill_is_refused(client, olivia):
    client.force_login(olivia)

    refused(client.get("/console/intake/?call=%00"), "查询参数")


@pytest.mark.parametrize("query", ["q=%FF", "q=%ED%A0%80", "q=%C3", "%00=1"])
def test_invalid_utf8_or_a_surrogate_in_the_query_is_refused(client, dan, query):
    client.force_login(dan)

    refused(client.get(f"/work/orders/_departments/?{query}"), "查询参数")


def test_invalid_utf8_in_the_path_is_refused(client, dan):
    client.force_login(dan)

    refused(client.get("/work/orders/%FF%FE/"), "地址")


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_saved(client, dan, hana):
    order = make_order("replied", dispatcher=dan, handler=hana)
    before = OrderEvent.objects.filter(order=order).count()
    client.force_login(dan)

    response = client.post(
        f"/work/orders/{order.number}/supervise/", {"level": "yellow", "note": "督办\x00"}
    )

    refused(response, "表单")
    assert OrderEvent.objects.filter(order=order).count() == before


def test_a_nul_in_a_field_name_is_refused(client, olivia):
    client.force_login(olivia)

    refused(client.post("/console/intake/", {"title\x00": "x"}), "表单")


def test_a_nul_in_a_multipart_form_is_refused(client, dan, hana):
    order = make_order("dispatched", dispatcher=dan, handler=hana)
    client.force_login(hana)

    response = client.post(f"/work/orders/{order.number}/return/", {"reason": "\x00"})

    refused(response, "表单")


def test_a_nul_in_a_cookie_is_refused_before_the_session_is_read(client):
    # an octal escape, which the cookie parser decodes to NUL
    refused(client.get("/work/", HTTP_COOKIE='sessionid="abc\\000def"'), "Cookie")


def test_chinese_text_and_an_encoded_percent_sign_pass(client, dan):
    client.force_login(dan)

    assert client.get("/work/orders/_departments/?q=%E5%9F%8E%E7%AE%A1").status_code == 200
    assert client.get("/work/orders/_departments/?q=100%25").status_code == 200
    assert client.get("/work/orders/_departments/", {"q": "城管 局+"}).status_code == 200


def test_the_guard_reads_the_raw_path_under_asgi(rf):
    request = rf.get("/work/")
    request.scope = {"raw_path": b"/work/orders/%C3%28/"}

    with pytest.raises(UnsafeInput):
        check_request(request)
