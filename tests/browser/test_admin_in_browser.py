"""The system administrator signs in with a real browser (password, then the code from the
authenticator), finds the calendar and an order, the requester masked until revealed."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.accounts.models import Role, User
from minyi.orders.services.intake import order_create
from minyi.privacy.models import PersonalDataAccess
from minyi.reference.models import RequestType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-Horse-42"


def test_the_system_administrator_signs_in_and_reads_the_calendar_and_an_order(live_server, page):
    ada = User.objects.create_user("ada", password=PASSWORD, role=Role.ADMIN)
    device = TOTPDevice.objects.create(user=ada, name="手机", confirmed=True)
    order = order_create(
        channel="citizen_call",
        request_type=RequestType.objects.get(code="complain"),
        title="路灯不亮",
        content="清溪镇韶山南路路灯连续三晚不亮",
        requester_name="张三丰",
        requester_phone="+8613912345678",
        accept=True,
    )

    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("text=登录民意直通")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=两步验证")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("button:has-text('验证')")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.wait_for_selector("#site-name >> text=民意直通 管理后台")

    page.goto(f"{live_server.url}/admin/workdays/calendaryear/")
    assert page.locator("text=2027").first.is_visible()
    assert "暂定" in page.content()

    page.goto(f"{live_server.url}/admin/orders/workorder/")
    page.click(f"text={order.number}")
    page.wait_for_selector("text=清溪镇韶山南路路灯连续三晚不亮")
    assert "张*丰" in page.content() and "139****5678" in page.content()
    assert "13912345678" not in page.content()

    page.click("text=显示完整信息")
    page.wait_for_selector("text=本次查看已记入")
    assert "13912345678" in page.content()
    assert PersonalDataAccess.objects.get(order=order).surface == "admin"


def test_the_health_check_answers_in_the_browser(live_server, page):
    response = page.goto(f"{live_server.url}/healthz")
    assert response.status == 200
    assert '"status": "ok"' in page.content()
