"""Users in the admin: the system administrator keeps the records, the security administrator
the credentials and the administrator roles; nobody changes their own role; nobody deletes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from minyi.accounts.models import AccountEvent, Role, User
from minyi.accounts.services import credentials, users
from minyi.privacy.models import PersonalDataAccess
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/user/add/"


def change_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def record_form(user, **changes) -> dict:
    data = {
        "last_name": user.last_name,
        "first_name": user.first_name,
        "role": user.role,
        "department": user.department_id or "",
        "deputy": user.deputy_id or "",
        "is_active": "on" if user.is_active else "",
        "new_phone": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def events(user, kind=None):
    rows = AccountEvent.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_the_system_administrator_creates_an_account_without_a_password(admin_client, ada):
    response = admin_client.post(
        ADD,
        {"username": "wangfang", "last_name": "王", "first_name": "芳", "role": Role.OPERATOR},
    )

    assert response.status_code == 302
    user = User.objects.get(username="wangfang")
    assert user.role == Role.OPERATOR and not user.has_usable_password()
    assert user.password_change_required
    (created,) = events(user, "user_created")
    assert created.actor == ada
    page = admin_client.get(change_url(user)).content.decode()
    assert "尚未设置密码" in page


def test_the_system_administrator_cannot_create_an_administrator(admin_client):
    page = admin_client.get(ADD).content.decode()
    response = admin_client.post(ADD, {"username": "eve", "role": Role.SECURITY})

    assert 'value="security"' not in page
    assert response.status_code == 200
    assert not User.objects.filter(username="eve").exists()


def test_a_handler_needs_a_department(admin_client):
    response = admin_client.post(ADD, {"username": "hank", "role": Role.HANDLER})

    assert response.status_code == 200
    assert "承办人必须属于一个承办单位" in response.content.decode()
    assert not User.objects.filter(username="hank").exists()


def test_the_system_administrator_edits_a_record_and_the_phone_stays_write_only(
    admin_client, olivia, dept_a
):
    response = admin_client.post(
        change_url(olivia),
        record_form(olivia, role=Role.HANDLER, department=dept_a.pk, new_phone="13912345678"),
    )

    assert response.status_code == 302
    olivia.refresh_from_db()
    assert olivia.role == Role.HANDLER and olivia.phone == "+8613912345678"
    page = admin_client.get(change_url(olivia)).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert [e.details for e in events(olivia, "role_changed")] == [
        {"before": "operator", "after": "handler"}
    ]
    (changed,) = events(olivia, "user_changed")
    assert changed.details == {"fields": ["department", "phone"]}  # names, never the number


def test_revealing_a_users_phone_is_logged(admin_client, olivia):
    olivia.phone = "+8613912345678"
    olivia.save()

    response = admin_client.post(f"/admin/accounts/user/{olivia.pk}/reveal/")

    assert "13912345678" in response.content.decode()
    assert PersonalDataAccess.objects.get(surface="admin").fields == "手机号码"


def test_deactivating_a_user_ends_their_sessions_and_is_recorded(admin_client, client, olivia):
    from django.test import Client

    olivias = Client()
    olivias.force_login(olivia)
    assert olivias.get("/console/").status_code == 200

    admin_client.post(change_url(olivia), record_form(olivia, is_active=False))

    olivia.refresh_from_db()
    assert not olivia.is_active
    assert events(olivia, "deactivated")
    assert olivias.get("/console/").status_code == 302  # signed out: an inactive user is nobody


def test_the_system_administrator_cannot_touch_an_administrators_role_or_activation(
    admin_client, sam
):
    page = admin_client.get(change_url(sam)).content.decode()
    admin_client.post(change_url(sam), record_form(sam, role=Role.OPERATOR, is_active=False))

    sam.refresh_from_db()
    assert sam.role == Role.SECURITY and sam.is_active
    assert 'name="role"' not in page and 'name="is_active"' not in page


def test_nobody_changes_their_own_role(admin_client, ada, sam):
    admin_client.post(change_url(ada), record_form(ada, role=Role.OPERATOR))
    ada.refresh_from_db()
    assert ada.role == Role.ADMIN

    with pytest.raises(users.AccountRefused, match="自己的角色"):
        users.user_update(actor=sam, user=sam, changes={"role": Role.AUDIT})


def test_the_security_administrator_grants_and_withdraws_administrator_roles(
    security_client, sam, olivia, audrey
):
    olivia.set_password("Olivia-Own#2025")  # an administrator role needs the owner's password
    olivia.save()
    response = security_client.post(change_url(olivia), {"role": Role.AUDIT})
    assert response.status_code == 302
    olivia.refresh_from_db()
    assert olivia.role == Role.AUDIT

    security_client.post(change_url(audrey), {"role": "", "is_active": ""})
    audrey.refresh_from_db()
    assert audrey.role == "" and not audrey.is_active
    assert events(audrey, "role_changed") and events(audrey, "deactivated")


def test_the_security_administrator_does_not_set_business_roles_or_records(
    security_client, olivia, hana
):
    page = security_client.get(change_url(olivia)).content.decode()
    response = security_client.post(change_url(olivia), {"role": Role.DISPATCHER})

    assert 'name="last_name"' not in page and 'name="new_phone"' not in page
    assert response.status_code == 200  # the form says why
    olivia.refresh_from_db()
    assert olivia.role == Role.OPERATOR
    with pytest.raises(users.AccountRefused):
        users.user_update(actor=User.objects.get(username="sam"), user=hana, changes={"role": ""})


def test_the_security_administrator_resets_a_password_shown_once(security_client, sam, olivia):
    response = security_client.post(f"/admin/accounts/user/{olivia.pk}/password-reset/")

    page = response.content.decode()
    assert response.status_code == 200 and "只显示这一次" in page
    temporary = response.context["temporary"]
    olivia.refresh_from_db()
    assert olivia.check_password(temporary) and olivia.password_change_required
    assert events(olivia, "password_reset")[0].actor == sam
    assert temporary not in security_client.get(change_url(olivia)).content.decode()
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_the_security_administrator_unlocks_and_resets_the_second_factor(security_client, olivia):
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    AccessAttempt.objects.create(
        username="olivia",
        ip_address="10.0.0.9",
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
        failures_since_start=9,
    )
    TOTPDevice.objects.create(user=olivia, name="手机", confirmed=True)

    security_client.post(f"/admin/accounts/user/{olivia.pk}/unlock/")
    security_client.post(f"/admin/accounts/user/{olivia.pk}/totp-reset/")

    assert not AccessAttempt.objects.exists()
    assert not TOTPDevice.objects.filter(user=olivia).exists()
    assert events(olivia, "unlocked")[0].details == {"cleared": 1}
    assert events(olivia, "totp_reset")


def test_nobody_resets_their_own_credentials_in_the_admin(security_client, sam):
    for tool in ("password-reset", "unlock", "totp-reset"):
        assert security_client.post(f"/admin/accounts/user/{sam.pk}/{tool}/").status_code == 403
    with pytest.raises(users.AccountRefused):
        credentials.password_reset(actor=sam, user=sam)


def test_the_system_administrator_has_no_credential_buttons(admin_client, olivia):
    page = admin_client.get(change_url(olivia)).content.decode()

    assert "重置密码" not in page
    assert admin_client.post(f"/admin/accounts/user/{olivia.pk}/password-reset/").status_code == 403


def test_users_are_never_deleted(admin_client, olivia):
    assert admin_client.get(f"/admin/accounts/user/{olivia.pk}/delete/").status_code == 403
    with pytest.raises(TypeError, match="停用"):
        olivia.delete()
    with pytest.raises(TypeError, match="停用"):
        User.objects.filter(pk=olivia.pk).delete()
    assert User.objects.filter(pk=olivia.pk).exists()


def test_there_are_no_superusers():
    with pytest.raises(ValidationError, match="create_admin"):
        User.objects.create_superuser("root", "root@example.invalid", "x")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="root", is_superuser=True)


def test_the_account_audit_log_is_append_only(olivia):
    from minyi.accounts.services.audit import account_event_record

    row = account_event_record(kind="login", user=olivia)

    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        AccountEvent.objects.update(kind="logout")
    with pytest.raises(TypeError):
        AccountEvent.objects.all().delete()


def test_the_user_list_costs_the_same_queries_for_more_users(security_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert security_client.get("/admin/accounts/user/").status_code == 200
        return len(queries)

    UserFactory()
    few = cost()
    for _ in range(10):
        TOTPDevice.objects.create(user=UserFactory(), name="手机", confirmed=True)

    assert cost() == few
