"""On a phone-sized screen: sign in, enrol the authenticator (the code computed from the key
the page shows, as an app would), sign in again with the code, change the password.

Screenshots of each step go to MINYI_SCREENSHOTS (a folder) when it is set."""

from __future__ import annotations

import os
import time
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from minyi.accounts.models import AccountEvent, Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FIRST, SECOND = "Lan-Xiao#2026q", "Qing-Xi#4821z"


def code(key: str, *, ahead: int = 0) -> str:
    """The six digits an authenticator app shows for ``key`` (``ahead`` steps later)."""
    secret = b32decode(key + "=" * (-len(key) % 8))
    token = TOTP(secret)
    token.time = time.time() + 30 * ahead
    return f"{token.token():06d}"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("MINYI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, base: str, password: str, *, name: str = "") -> None:
    page.goto(f"{base}/admin/")
    page.wait_for_selector("text=登录民意直通")
    page.fill("#id_username", "lan")
    page.fill("#id_password", password)
    if name:
        shot(page, name)
    page.click("button:has-text('登录')")


def test_sign_in_enrol_verify_and_change_the_password_on_a_phone(live_server, phone):
    base = live_server.url
    lan = User.objects.create_user(
        "lan", password=FIRST, role=Role.ADMIN, last_name="龙", first_name="晓岚"
    )

    sign_in(phone, base, FIRST, name="1-login")
    phone.wait_for_selector("text=启用两步验证")
    assert phone.locator(".qr svg").is_visible()
    box = phone.locator(".qr svg").bounding_box()
    assert box["width"] <= PHONE["width"]  # the QR code fits the screen
    shot(phone, "2-enrol")
    key = phone.inner_text("#totp-key").replace(" ", "")

    phone.fill("#id_token", "000000")
    phone.click("button:has-text('启用')")
    phone.wait_for_selector("text=验证码不正确")
    shot(phone, "3-enrol-wrong-code")
    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    phone.fill("#id_token", code(key))
    phone.click("button:has-text('启用')")
    phone.wait_for_url(f"{base}/admin/")
    phone.wait_for_selector("#site-name >> text=民意直通 管理后台")
    shot(phone, "4-admin")

    phone.goto(f"{base}/account/password/")  # "/" takes an administrator to the admin
    phone.click("form button:has-text('退出')")
    phone.wait_for_selector("text=登录民意直通")
    sign_in(phone, base, FIRST)
    phone.wait_for_selector("h1:has-text('两步验证')")
    shot(phone, "5-verify")
    phone.fill("#id_token", code(key, ahead=1))  # the enrolment used this step's code
    phone.click("button:has-text('验证')")
    phone.wait_for_url(f"{base}/admin/")

    phone.goto(f"{base}/")
    phone.click("header >> text=修改密码")
    phone.wait_for_selector("h1:has-text('修改密码')")
    phone.fill("#id_old_password", FIRST)
    phone.fill("#id_new_password1", "zhangsan1")
    phone.fill("#id_new_password2", "zhangsan1")
    phone.click("button:has-text('保存新密码')")
    phone.wait_for_selector("text=至少需要 10 个字符")
    shot(phone, "6-password-too-weak")
    phone.fill("#id_old_password", FIRST)
    phone.fill("#id_new_password1", SECOND)
    phone.fill("#id_new_password2", SECOND)
    phone.click("button:has-text('保存新密码')")
    phone.wait_for_selector("text=密码已修改")
    shot(phone, "7-password-changed")

    lan.refresh_from_db()
    assert lan.check_password(SECOND)
    kinds = set(AccountEvent.objects.filter(user=lan).values_list("kind", flat=True))
    assert {"login", "totp_enrolled", "logout", "totp_verified", "password_changed"} <= kinds
    # nothing on these pages is wider than the phone
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
