"""An administrator signs in with a real browser and finds the calendar and an order."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role, User
from minyi.orders.services.intake import order_create
from minyi.reference.models import RequestType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_signs_in_and_reads_the_calendar_and_an_order(live_server, page):
    User.objects.create_superuser("ada", "ada@example.invalid", "correct-horse-42", role=Role.ADMIN)
    order = order_create(
        channel="citizen_call",
        request_type=RequestType.objects.get(code="complain"),
        title="路灯不亮",
        content="清溪镇韶山南路路灯连续三晚不亮",
        requester_name="张三",
        accept=True,
    )

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", "correct-horse-42")
    page.click("input[type=submit]")
    page.wait_for_selector("text=基础数据与工单管理")

    page.goto(f"{live_server.url}/admin/workdays/calendaryear/")
    assert page.locator("text=2027").first.is_visible()
    assert "暂定" in page.content()

    page.goto(f"{live_server.url}/admin/orders/workorder/")
    page.click(f"text={order.number}")
    page.wait_for_selector("text=清溪镇韶山南路路灯连续三晚不亮")
    assert "受理" in page.content()


def test_the_health_check_answers_in_the_browser(live_server, page):
    response = page.goto(f"{live_server.url}/healthz")
    assert response.status == 200
    assert '"status": "ok"' in page.content()
