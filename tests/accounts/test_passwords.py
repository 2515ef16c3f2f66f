"""The password policy (issue 8: "Passwords such as zhangsan1 pass") and the change-password
page every role has, with the forced change after an administrator set the password."""

from __future__ import annotations

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client

from minyi.accounts.models import AccountEvent, PasswordHistory, Role
from minyi.accounts.passwords import temporary_password
from minyi.accounts.services import credentials
from minyi.core.errors import ValidationFailed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = "Qing-Xi#4821"


@pytest.fixture
def zhangsan(db):
    user = UserFactory(username="zhangsan", last_name="张", first_name="三", role=Role.CALLBACK)
    user.set_password("Old-Secret#77")
    user.save()
    return user


def refusals(password: str, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    "password, why",
    [
        ("zhangsan1", "至少需要 10 个字符"),
        ("zhangsan12345", "至少 3 种"),
        ("Zhangsan2026!", "用户名太相近"),
        ("Password2026!", "太常见"),
        ("Minyi#2026xyz", "太常见"),
        ("Abc-1234", "至少需要 10 个字符"),
        ("qwertyuiop", "至少 3 种"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(zhangsan, password, why):
    messages = refusals(password, zhangsan)

    assert any(why in message for message in messages), messages


def test_a_good_password_passes(zhangsan):
    assert refusals(GOOD, zhangsan) == []


def test_the_last_five_passwords_cannot_be_used_again(zhangsan):
    used = [f"Reuse-Test#{n}{n}x" for n in range(6)]
    current = "Old-Secret#77"
    for new in used:
        credentials.password_change(user=zhangsan, old_password=current, new_password=new)
        current = new
    zhangsan.refresh_from_db()

    assert PasswordHistory.objects.filter(user=zhangsan).count() == 5
    for recent in used[1:]:
        assert any("最近 5 次" in m for m in refusals(recent, zhangsan)), recent
    assert refusals(used[0], zhangsan) == []  # the sixth back is allowed again


def test_a_temporary_password_meets_the_policy():
    for _ in range(20):
        assert refusals(temporary_password()) == []


def test_every_role_has_the_page_in_the_header(client, zhangsan):
    client.force_login(zhangsan)

    page = client.get("/", follow=True).content.decode()

    assert 'href="/account/password/"' in page


def test_changing_the_password_keeps_the_session_and_is_recorded(client, zhangsan):
    client.force_login(zhangsan)

    response = client.post(
        "/account/password/",
        {"old_password": "Old-Secret#77", "new_password1": GOOD, "new_password2": GOOD},
    )

    assert response.status_code == 302
    assert client.get("/work/callback/").status_code == 200  # still signed in
    zhangsan.refresh_from_db()
    assert zhangsan.check_password(GOOD)
    assert AccountEvent.objects.filter(user=zhangsan, kind="password_changed").exists()


@pytest.mark.parametrize(
    "form, message",
    [
        ({"old_password": "nope", "new_password1": GOOD, "new_password2": GOOD}, "原密码不正确"),
        (
            {"old_password": "Old-Secret#77", "new_password1": GOOD, "new_password2": GOOD + "x"},
            "两次输入的新密码不一致",
        ),
        (
            {
                "old_password": "Old-Secret#77",
                "new_password1": "zhangsan1",
                "new_password2": "zhangsan1",
            },
            "至少需要 10 个字符",
        ),
        (
            {
                "old_password": "Old-Secret#77",
                "new_password1": "Old-Secret#77",
                "new_password2": "Old-Secret#77",
            },
            "不能与原密码相同",
        ),
    ],
)
def test_a_bad_change_is_explained_and_changes_nothing(client, zhangsan, form, message):
    client.force_login(zhangsan)

    response = client.post("/account/password/", form)

    assert response.status_code == 400
    assert message in response.content.decode()
    zhangsan.refresh_from_db()
    assert zhangsan.check_password("Old-Secret#77")


def test_after_a_reset_the_person_must_change_the_password_first(security_client, zhangsan):
    reset = security_client.post(f"/admin/accounts/user/{zhangsan.pk}/password-reset/")
    temporary = reset.context["temporary"]
    person = Client()
    person.post("/login/", {"username": "zhangsan", "password": temporary})

    for url in ("/", "/work/callback/"):
        response = person.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/account/password/")
    assert person.get("/api/orders/").json()["code"] == "password_change_required"
    page = person.get("/account/password/").content.decode()
    assert "临时密码" in page
    person.post(
        "/account/password/",
        {"old_password": temporary, "new_password1": GOOD, "new_password2": GOOD},
    )

    assert person.get("/work/callback/").status_code == 200
    zhangsan.refresh_from_db()
    assert not zhangsan.password_change_required


def test_a_new_account_gets_its_first_password_from_the_security_administrator(
    admin_client, zhangsan
):
    from minyi.accounts.models import User

    admin_client.post(
        "/admin/accounts/user/add/",
        {"username": "lisi", "last_name": "李", "first_name": "四", "role": Role.LIAISON},
    )
    lisi = User.objects.get(username="lisi")
    anyone = Client()
    response = anyone.post("/login/", {"username": "lisi", "password": ""})

    assert response.status_code == 200 and "_auth_user_id" not in anyone.session
    assert not lisi.has_usable_password() and lisi.password_change_required


def test_the_change_service_refuses_the_wrong_old_password(zhangsan):
    with pytest.raises(ValidationFailed, match="原密码不正确"):
        credentials.password_change(user=zhangsan, old_password="x", new_password=GOOD)
