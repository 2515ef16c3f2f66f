"""TOTP second factor (django-otp): required for the administrators, enforceable for all staff
(MINYI_2FA_REQUIRED), enrolled after log-in, asked once per session, reset by the security
administrator."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.accounts import gate
from minyi.accounts.models import AccountEvent, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Ada-Admin#2026"


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="adm", last_name="艾", first_name="达", role=Role.ADMIN)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, user, password=PASSWORD):
    response = client.post("/login/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def code(device) -> str:
    return f"{totp(device.bin_key):06d}"


def after_a_pause(user):
    """django-otp makes the next try wait after a wrong code (1 s, 2 s, 4 s …): let it pass."""
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def test_an_administrator_is_sent_to_enrol_after_the_password(client, admin_user):
    sign_in(client, admin_user)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/account/2fa/setup/?next=%2Fadmin%2F"
    for url in ("/admin/reference/region/", "/", "/account/password/"):
        assert client.get(url)["Location"].startswith("/account/2fa/setup/")
    assert client.get("/api/orders/").json()["code"] == "two_factor_required"


def test_the_enrolment_page_draws_the_qr_code_here_and_shows_the_key(client, admin_user):
    sign_in(client, admin_user)

    page = client.get("/account/2fa/setup/").content.decode()

    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert "<svg" in page and 'class="segno"' in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )  # no image service, no CDN
    assert " style=" not in page and "<script>" not in page  # CSP: nothing inline
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    from base64 import b32decode

    assert b32decode(key + "=" * (-len(key) % 8)) == device.bin_key


def test_enrolling_takes_a_right_code_and_opens_the_admin(client, admin_user):
    sign_in(client, admin_user)
    client.get("/account/2fa/setup/")
    device = TOTPDevice.objects.get(user=admin_user)

    wrong = client.post("/account/2fa/setup/", {"token": "000000"})
    after_a_pause(admin_user)
    right = client.post(
        "/account/2fa/setup/?next=/admin/", {"token": code(device), "next": "/admin/"}
    )

    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    kinds = list(AccountEvent.objects.filter(user=admin_user).values_list("kind", flat=True))
    assert {"login", "totp_failed", "totp_enrolled"} <= set(kinds)


def test_the_next_log_in_asks_for_a_code_once(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    sign_in(client, admin_user)

    assert client.get("/admin/")["Location"].startswith("/account/2fa/verify/")
    wrong = client.post("/account/2fa/verify/", {"token": "123456"})
    after_a_pause(admin_user)
    right = client.post("/account/2fa/verify/", {"token": code(device), "next": "/admin/"})

    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert right["Location"] == "/admin/"
    for _ in range(3):
        assert client.get("/admin/").status_code == 200
    assert AccountEvent.objects.filter(user=admin_user, kind="totp_verified").count() == 1
    assert AccountEvent.objects.filter(user=admin_user, kind="totp_failed").count() == 1


def test_a_code_cannot_be_used_twice(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    token = code(device)
    sign_in(client, admin_user)
    client.post("/account/2fa/verify/", {"token": token})
    client.post("/logout/")

    other = Client()
    sign_in(other, admin_user)
    replay = other.post("/account/2fa/verify/", {"token": token})

    assert replay.status_code == 400
    assert other.get("/admin/").status_code == 302


def test_a_non_numeric_code_is_explained(client, admin_user):
    TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    sign_in(client, admin_user)

    response = client.post("/account/2fa/verify/", {"token": "abcdef"})

    assert response.status_code == 400 and "6 位数字" in response.content.decode()


def test_the_workbench_roles_are_not_asked_by_default(client, olivia):
    olivia.set_password(PASSWORD)
    olivia.save()
    sign_in(client, olivia)

    assert client.get("/console/").status_code == 200


def test_the_setting_can_require_it_of_all_staff(client, olivia, settings):
    settings.MINYI_ACCOUNTS = {**settings.MINYI_ACCOUNTS, "TWO_FACTOR_REQUIRED": "staff"}
    olivia.set_password(PASSWORD)
    olivia.save()
    sign_in(client, olivia)

    assert client.get("/console/")["Location"].startswith("/account/2fa/setup/")
    deputy = UserFactory(role=Role.DEPUTY)
    assert not gate.two_factor_required(deputy)


def test_switched_off_nobody_must_but_an_enrolled_user_is_still_asked(
    client, admin_user, olivia, settings
):
    settings.MINYI_ACCOUNTS = {**settings.MINYI_ACCOUNTS, "TWO_FACTOR_REQUIRED": "off"}
    sign_in(client, admin_user)
    assert client.get("/admin/").status_code == 200

    TOTPDevice.objects.create(user=olivia, name="手机", confirmed=True)
    olivia.set_password(PASSWORD)
    olivia.save()
    other = Client()
    sign_in(other, olivia)
    assert other.get("/console/")["Location"].startswith("/account/2fa/verify/")


def test_a_bad_setting_stops_the_start(tmp_path):
    from tests.core.test_settings import manage_check

    result = manage_check(tmp_path, DEBUG="1", MINYI_2FA_REQUIRED="sometimes")

    assert result.returncode != 0
    assert "MINYI_2FA_REQUIRED must be one of admins, staff, off" in result.stderr


def test_after_a_reset_by_the_security_administrator_the_user_enrols_again(
    client, security_client, admin_user, sam
):
    TOTPDevice.objects.create(user=admin_user, name="旧手机", confirmed=True)

    security_client.post(f"/admin/accounts/user/{admin_user.pk}/totp-reset/")

    other = Client()
    sign_in(other, admin_user)
    assert other.get("/admin/")["Location"].startswith("/account/2fa/setup/")
    reset = AccountEvent.objects.get(kind="totp_reset")
    assert reset.user == admin_user and reset.actor == sam


def test_an_enrolled_user_cannot_enrol_a_second_device(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    sign_in(client, admin_user)
    client.post("/account/2fa/verify/", {"token": code(device)})

    response = client.get("/account/2fa/setup/")

    assert response["Location"] == "/account/2fa/verify/"
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1


def test_the_admin_site_itself_refuses_an_unverified_administrator(admin_user):
    from django.test import RequestFactory

    from minyi.adminsite.site import MinyiAdminSite

    request = RequestFactory().get("/admin/")
    request.user = admin_user
    request.session = {}
    admin_user.is_verified = lambda: False

    assert not MinyiAdminSite().has_permission(request)


def test_guessing_codes_is_slowed_down(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    sign_in(client, admin_user)
    client.post("/account/2fa/verify/", {"token": "111111"})

    too_soon = client.post("/account/2fa/verify/", {"token": code(device)})

    assert too_soon.status_code == 400 and "秒后再试" in too_soon.content.decode()


def test_every_wrong_code_is_recorded_and_a_try_too_soon_is_not_checked(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="手机", confirmed=True)
    sign_in(client, admin_user)
    client.post("/account/2fa/verify/", {"token": "111111"})

    too_soon = client.post("/account/2fa/verify/", {"token": code(device)})

    assert too_soon.status_code == 400
    assert "验证码连续输错，请 1 秒后再试" in too_soon.content.decode()
    assert client.get("/admin/").status_code == 302  # the right code was not even looked at
    failures = AccountEvent.objects.filter(user=admin_user, kind="totp_failed").order_by("id")
    assert [f.details for f in failures] == [
        {"stage": "login"},
        {"stage": "login", "throttled": True},
    ]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a try too soon does not lengthen the wait


def test_the_wait_doubles_with_each_wrong_code(client, admin_user):
    from django.utils import timezone

    TOTPDevice.objects.create(
        user=admin_user,
        name="手机",
        confirmed=True,
        throttling_failure_count=10,
        throttling_failure_timestamp=timezone.now(),
    )
    sign_in(client, admin_user)

    response = client.post("/account/2fa/verify/", {"token": "111111"})

    # ten wrong codes: 2⁹ s, about nine minutes, before the next one is even checked
    assert "验证码连续输错，请 9 分钟后再试" in response.content.decode()
