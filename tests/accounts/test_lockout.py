"""Lock-out after repeated failed log-ins (issue 8: "50 wrong passwords then the right one:
logged in, nothing throttled, locked or recorded")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from minyi.accounts.models import AccountEvent, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Wang-Fang-2026"
DESK_A, DESK_B, NAT = "10.1.0.11", "10.1.0.12", "203.0.113.5"


@pytest.fixture
def wangfang(db):
    user = UserFactory(username="wangfang", last_name="王", first_name="芳", role=Role.OPERATOR)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def attacker():
    """Someone else's browser (the administrators' ``client`` is signed in)."""
    from django.test import Client

    return Client()


def attempt(client, username: str, password: str, ip: str):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one_is_refused(client, wangfang):
    for _ in range(50):
        attempt(client, "wangfang", "wrong-password", NAT)

    response = attempt(client, "wangfang", PASSWORD, NAT)

    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "登录失败次数过多，账号已暂时锁定" in page and "15 分钟" in page
    assert 'name="password"' in page  # the log-in page, with the reason


def test_five_failures_from_one_address_lock_that_user_from_that_address(client, wangfang):
    for _ in range(4):
        assert attempt(client, "wangfang", "wrong", DESK_A).status_code == 200
    fifth = attempt(client, "wangfang", "wrong", DESK_A)

    assert fifth.status_code == 429
    assert attempt(client, "wangfang", PASSWORD, DESK_A).status_code == 429
    # the same person from another desk is not locked out …
    assert attempt(client, "wangfang", PASSWORD, DESK_B).status_code == 302
    assert signed_in(client)


def test_one_attacker_behind_the_call_centres_address_locks_out_nobody_else(
    client, wangfang, olivia
):
    olivia.set_password(PASSWORD)
    olivia.save()
    for name in ("wangfang", "dan", "carl", "nobody"):
        for _ in range(6):
            attempt(client, name, "guess", NAT)

    response = attempt(client, "olivia", PASSWORD, NAT)

    assert response.status_code == 302 and signed_in(client)


def test_guessing_one_account_from_many_addresses_locks_it_everywhere(client, wangfang):
    for i in range(20):
        attempt(client, "wangfang", "wrong", f"198.51.100.{i}")

    assert attempt(client, "wangfang", PASSWORD, "192.0.2.77").status_code == 429


def test_the_lock_ends_after_the_cool_off(client, wangfang):
    for _ in range(5):
        attempt(client, "wangfang", "wrong", DESK_A)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, "wangfang", PASSWORD, DESK_A).status_code == 302


def test_a_right_password_forgets_earlier_typos(client, wangfang):
    for _ in range(4):
        attempt(client, "wangfang", "typo", DESK_A)
    assert attempt(client, "wangfang", PASSWORD, DESK_A).status_code == 302
    client.post("/logout/")

    for _ in range(4):
        attempt(client, "wangfang", "typo", DESK_A)
    assert attempt(client, "wangfang", PASSWORD, DESK_A).status_code == 302


def test_every_failure_and_the_lock_out_are_recorded(client, wangfang):
    for _ in range(5):
        attempt(client, "wangfang", "wrong", DESK_A)
    attempt(client, "nosuchuser", "wrong", DESK_A)

    failures = AccountEvent.objects.filter(kind="login_failed")
    assert failures.filter(user=wangfang, ip=DESK_A).count() == 5
    assert failures.filter(user=None, username="nosuchuser").count() == 1
    assert AccountEvent.objects.filter(kind="locked_out", user=wangfang).exists()
    assert not AccountEvent.objects.filter(details__icontains="wrong").exists()  # no passwords


def test_the_security_administrator_sees_the_lock_and_lifts_it(
    attacker, security_client, wangfang, sam
):
    for _ in range(5):
        attempt(attacker, "wangfang", "wrong", DESK_A)

    listing = security_client.get("/admin/accounts/user/?q=wangfang")
    assert listing.context["cl"].result_list[0].username == "wangfang"
    assert (
        "登录已锁定"
        in security_client.get(f"/admin/accounts/user/{wangfang.pk}/change/").content.decode()
    )
    security_client.post(f"/admin/accounts/user/{wangfang.pk}/unlock/")

    assert attempt(attacker, "wangfang", PASSWORD, DESK_A).status_code == 302
    assert AccountEvent.objects.get(kind="unlocked").actor == sam


def test_the_lock_out_list_is_cleared_through_the_service(attacker, security_client, wangfang):
    for _ in range(5):
        attempt(attacker, "wangfang", "wrong", DESK_A)
    row = AccessAttempt.objects.get()

    page = security_client.get("/admin/accounts/loginattempt/").content.decode()
    security_client.post(f"/admin/accounts/loginattempt/{row.pk}/delete/", {"post": "yes"})

    assert "wangfang" in page and "password=" not in page  # no form data shown
    assert not AccessAttempt.objects.exists()
    assert AccountEvent.objects.get(kind="unlocked").details["cleared"] == 1


def test_the_audit_administrator_reads_the_attempts_but_cannot_clear_them(
    attacker, audit_client, wangfang
):
    for _ in range(5):
        attempt(attacker, "wangfang", "wrong", DESK_A)
    row = AccessAttempt.objects.get()

    assert audit_client.get("/admin/accounts/loginattempt/").status_code == 200
    assert (
        audit_client.post(
            f"/admin/accounts/loginattempt/{row.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert AccessAttempt.objects.exists()


def test_an_inactive_account_cannot_sign_in(client, wangfang):
    User.objects.filter(pk=wangfang.pk).update(is_active=False)

    response = attempt(client, "wangfang", PASSWORD, DESK_A)

    assert response.status_code == 200 and not signed_in(client)
    assert "用户名或密码不正确" in response.content.decode()
