"""两人原则 (issue 8 review: "the three-way split breaks with one person"): the security
administrator set handler_hb's role to admin, reset the password, signed in as handler_hb,
enrolled a new authenticator and changed the password — a second system administrator under
their control, every step recorded, no second person involved. The same against the auditor's
account, and in the other order.

Granting an administrator role and holding that account's keys (its password, its second
factor) are never one person's: a second security administrator does the other half."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.accounts.models import AccountEvent, Role
from minyi.accounts.services import credentials, users
from tests.factories import UserFactory
from tests.logins import verified_login

pytestmark = pytest.mark.django_db

OWN = "Qing-Xi#4821"


def with_own_password(user):
    user.set_password("Her-Own#2025")
    user.save()
    return user


@pytest.fixture
def hana(hana):
    """韩娜, a handler who has used her account (a password of her own)."""
    return with_own_password(hana)


@pytest.fixture
def audrey(audrey):
    return with_own_password(audrey)


@pytest.fixture
def sid(db):
    """Sid, the second security administrator."""
    return UserFactory(username="sid", last_name="苏", first_name="迪", role=Role.SECURITY)


@pytest.fixture
def sid_client(sid):
    return verified_login(Client(), sid)


def change_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def tool_url(user, tool: str) -> str:
    return f"/admin/accounts/user/{user.pk}/{tool}/"


def grant(client, user, role=Role.ADMIN):
    return client.post(change_url(user), {"role": role, "is_active": "on"})


def reset_password(client, user) -> str | None:
    response = client.post(tool_url(user, "password-reset"))
    return response.context["temporary"] if response.status_code == 200 else None


def take_over(temporary: str, user) -> Client:
    """What the review did next: sign in with the temporary password, enrol a new
    authenticator when asked, set a password of one's own."""
    other = Client()
    other.post("/login/", {"username": user.username, "password": temporary})
    if other.get("/").get("Location", "").startswith("/account/2fa/setup/"):
        other.get("/account/2fa/setup/")
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        other.post("/account/2fa/setup/", {"token": f"{totp(device.bin_key):06d}"})
    other.post(
        "/account/password/",
        {"old_password": temporary, "new_password1": OWN, "new_password2": OWN},
    )
    return other


def kinds(user) -> list[str]:
    return list(
        AccountEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


# -- one person, either order: refused ----------------------------------------------------------


def test_who_granted_an_administrator_role_does_not_reset_that_accounts_password(
    security_client, hana
):
    assert grant(security_client, hana).status_code == 302  # the grant itself is their duty

    page = security_client.get(change_url(hana)).content.decode()
    refused = security_client.post(tool_url(hana, "password-reset"), follow=True)

    assert "两人原则" in page and "另一位安全管理员" in page
    assert tool_url(hana, "password-reset") not in page  # no button that would be refused
    assert "两人原则" in refused.content.decode()
    assert "password_reset" not in kinds(hana)
    hana.refresh_from_db()
    assert not hana.password_change_required


def test_who_granted_an_administrator_role_does_not_reset_that_accounts_second_factor(
    security_client, sam, hana
):
    TOTPDevice.objects.create(user=hana, name="手机", confirmed=True)
    grant(security_client, hana)

    security_client.post(tool_url(hana, "totp-reset"))

    assert TOTPDevice.objects.filter(user=hana).exists()
    with pytest.raises(credentials.TwoPersonRule, match="两人原则"):
        credentials.totp_reset(actor=sam, user=hana)
    assert "totp_reset" not in kinds(hana)


def test_who_reset_a_password_does_not_then_grant_that_account_an_administrator_role(
    security_client, sam, hana
):
    temporary = reset_password(security_client, hana)
    take_over(temporary, hana)  # signed in as 韩娜, password "of her own"

    response = grant(security_client, hana)

    assert response.status_code == 200 and "两人原则" in response.content.decode()
    hana.refresh_from_db()
    assert hana.role == Role.HANDLER
    assert "role_changed" not in kinds(hana)
    with pytest.raises(users.AccountRefused, match="两人原则"):
        users.user_update(actor=sam, user=hana, changes={"role": Role.AUDIT})


def test_who_reset_a_second_factor_does_not_grant_before_a_new_one_is_enrolled(
    security_client, sam, hana
):
    TOTPDevice.objects.create(user=hana, name="手机", confirmed=True)
    security_client.post(tool_url(hana, "totp-reset"))

    assert "两人原则" in grant(security_client, hana).content.decode()

    # 韩娜 signs in with her own password and enrols a new phone: nothing of hers is held now
    credentials.totp_enrol_start(user=hana)
    device = TOTPDevice.objects.get(user=hana, confirmed=False)
    credentials.totp_enrol_confirm(user=hana, token=f"{totp(device.bin_key):06d}")
    assert grant(security_client, hana).status_code == 302


def test_the_auditors_account_cannot_be_turned_into_a_second_system_administrator(
    security_client, sam, audrey
):
    TOTPDevice.objects.create(user=audrey, name="审计手机", confirmed=True)
    assert grant(security_client, audrey).status_code == 302  # 审计管理员 → 系统管理员

    assert reset_password(security_client, audrey) is None
    security_client.post(tool_url(audrey, "totp-reset"))

    assert TOTPDevice.objects.filter(user=audrey).exists()
    assert "password_reset" not in kinds(audrey) and "totp_reset" not in kinds(audrey)


def test_one_person_does_not_reset_both_keys_of_an_administrator(security_client, sam, audrey):
    TOTPDevice.objects.create(user=audrey, name="审计手机", confirmed=True)
    assert reset_password(security_client, audrey)  # she forgot her password: the duty

    response = security_client.post(tool_url(audrey, "totp-reset"), follow=True)

    assert "两人原则" in response.content.decode()
    assert TOTPDevice.objects.filter(user=audrey).exists()


def test_after_a_reset_second_factor_is_enrolled_again_the_password_may_be_reset(
    security_client, sam, audrey
):
    TOTPDevice.objects.create(user=audrey, name="旧手机", confirmed=True)
    credentials.totp_reset(actor=sam, user=audrey)  # she lost her phone
    with pytest.raises(credentials.TwoPersonRule):
        credentials.password_reset(actor=sam, user=audrey)

    credentials.totp_enrol_start(user=audrey)  # she signs in with her password, enrols
    device = TOTPDevice.objects.get(user=audrey)
    credentials.totp_enrol_confirm(user=audrey, token=f"{totp(device.bin_key):06d}")

    assert credentials.password_reset(actor=sam, user=audrey)


# -- two people: allowed ------------------------------------------------------------------------


def test_a_second_security_administrator_resets_the_account_the_first_one_granted(
    security_client, sid_client, sid, hana
):
    grant(security_client, hana)

    temporary = reset_password(sid_client, hana)

    assert temporary
    assert AccountEvent.objects.get(user=hana, kind="password_reset").actor == sid
    person = take_over(temporary, hana)
    assert person.get("/admin/").status_code == 200  # 韩娜 herself, now a system administrator


def test_a_second_security_administrator_grants_the_account_the_first_one_reset(
    security_client, sid_client, sam, sid, hana
):
    temporary = reset_password(security_client, hana)
    person = take_over(temporary, hana)  # 韩娜 sets her own password

    assert grant(sid_client, hana).status_code == 302

    hana.refresh_from_db()
    assert hana.role == Role.ADMIN
    granted = AccountEvent.objects.get(user=hana, kind="role_changed")
    assert (granted.actor, granted.details["after"]) == (sid, Role.ADMIN)
    assert person.get("/admin/")["Location"].startswith("/account/2fa/setup/")
    # the one who last reset her password does not also reset her second factor
    with pytest.raises(credentials.TwoPersonRule):
        credentials.totp_reset(actor=sam, user=hana)


def test_an_administrator_role_waits_until_the_owner_has_set_their_own_password(
    security_client, sid_client, hana
):
    temporary = reset_password(security_client, hana)

    refused = grant(sid_client, hana)  # whoever saw the temporary password could sign in first

    assert refused.status_code == 200 and "临时密码" in refused.content.decode()
    take_over(temporary, hana)
    assert grant(sid_client, hana).status_code == 302


def test_an_account_without_a_password_is_not_made_an_administrator(sid_client, admin_client):
    from minyi.accounts.models import User

    admin_client.post("/admin/accounts/user/add/", {"username": "xinren", "last_name": "辛"})
    newcomer = User.objects.get(username="xinren")

    assert "临时密码" in grant(sid_client, newcomer).content.decode()


def test_a_later_reset_by_someone_else_ends_the_hold(security_client, sid_client, sam, hana):
    reset_password(security_client, hana)
    take_over(reset_password(sid_client, hana), hana)  # sam no longer knows her password

    assert grant(security_client, hana).status_code == 302


def test_withdrawing_an_administrator_role_is_never_held_back(security_client, sam, hana):
    grant(security_client, hana)

    assert grant(security_client, hana, role="").status_code == 302
    hana.refresh_from_db()
    assert hana.role == ""


def test_the_authenticator_list_does_not_offer_a_reset_the_rule_refuses(security_client, hana):
    device = TOTPDevice.objects.create(user=hana, name="手机", confirmed=True)
    grant(security_client, hana)

    response = security_client.post(
        f"/admin/accounts/authenticator/{device.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
