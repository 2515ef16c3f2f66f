"""A deputy signs in with their registered phone number and an SMS code (/account/phone-login/):
the registry is the account list; the page says the same for every number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache

from minyi.accounts.models import AccountEvent, AccountEventKind, Role, User
from minyi.core import clock
from minyi.notify.models import OutboxMessage
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/account/phone-login/"
MOBILE = "+8613911112222"
SENT = "如号码已登记，验证码已发送，5分钟内有效。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wang(db):
    return DeputyFactory(name="王代表", phone__number=MOBILE)


def ask_code(client, phone="139 1111 2222"):
    return client.post(URL, {"phone": phone, "step": "send"})


def code_sent(phone=MOBILE) -> str:
    row = OutboxMessage.objects.filter(
        recipient_phone=phone, template_code="mashang_sms_code"
    ).latest("id")
    return row.params["code"]


def sign_in(client, code, phone="13911112222"):
    return client.post(URL, {"phone": phone, "code": code, "step": "login"})


def test_a_registered_deputy_gets_a_code_and_signs_in_as_their_own_account(client, wang):
    response = ask_code(client)
    assert response.status_code == 200 and SENT in response.content.decode()

    response = sign_in(client, code_sent())

    assert response.status_code == 302
    user = get_user(client)
    assert user.is_authenticated
    assert (user.username, user.role, user.deputy) == (f"deputy-{wang.pk}", Role.DEPUTY, wang)
    assert not user.has_usable_password() and not user.password_change_required
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.USER_CREATED).exists()
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.LOGIN).exists()
    # no password change nor second factor stands in the way: their workbench opens
    home = client.get("/work/mine/")
    assert home.status_code == 200 and "选民留言" in home.content.decode()


def test_the_account_is_made_once(client, wang):
    ask_code(client)
    sign_in(client, code_sent())
    client.post("/logout/")
    with clock.frozen(clock.now() + timedelta(minutes=2)):  # past the one-a-minute limit
        ask_code(client)
        sign_in(client, code_sent())

    assert User.objects.filter(deputy=wang).count() == 1
    assert get_user(client).deputy == wang


def test_an_existing_deputy_account_is_the_one_signed_into(client, wang):
    existing = UserFactory(username="wangdb", role=Role.DEPUTY, deputy=wang)

    ask_code(client)
    sign_in(client, code_sent())

    assert get_user(client) == existing


def test_an_unknown_number_gets_the_same_answer_and_no_sms(client, wang):
    known = ask_code(client).content.decode()
    unknown = ask_code(client, phone="13700001111").content.decode()

    assert SENT in known and SENT in unknown
    assert not OutboxMessage.objects.filter(recipient_phone="+8613700001111").exists()
    response = sign_in(client, "123456", phone="13700001111")
    assert response.status_code == 400
    assert "验证码已过期或未获取，请重新获取。" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_a_code_asked_again_too_soon_still_gets_the_same_answer(client, wang):
    ask_code(client)
    again = ask_code(client)

    assert SENT in again.content.decode()
    assert OutboxMessage.objects.filter(template_code="mashang_sms_code").count() == 1


def test_an_expired_code_is_refused(client, wang):
    ask_code(client)
    code = code_sent()

    with clock.frozen(clock.now() + timedelta(minutes=5, seconds=5)):
        response = sign_in(client, code)

    assert response.status_code == 400
    assert "验证码已过期或未获取，请重新获取。" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_a_wrong_code_is_refused_and_audited(client, wang):
    ask_code(client)

    response = sign_in(client, "000000" if code_sent() != "000000" else "111111")

    assert response.status_code == 400 and "验证码不正确。" in response.content.decode()
    failure = AccountEvent.objects.get(kind=AccountEventKind.LOGIN_FAILED)
    assert failure.username == "139****2222" and failure.details["page"] == "phone-login"
    assert MOBILE not in str(failure.details)


def test_a_deactivated_deputy_gets_no_code_and_cannot_sign_in(client, wang):
    wang.is_active = False
    wang.save(update_fields=["is_active"])

    assert SENT in ask_code(client).content.decode()
    assert not OutboxMessage.objects.filter(template_code="mashang_sms_code").exists()
    assert sign_in(client, "123456").status_code == 400
    assert not get_user(client).is_authenticated


def test_a_deactivated_account_is_refused_after_the_code(client, wang):
    UserFactory(username="wangdb", role=Role.DEPUTY, deputy=wang, is_active=False)
    ask_code(client)

    response = sign_in(client, code_sent())

    assert response.status_code == 400
    assert "该账号已停用，请联系系统管理员。" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_a_malformed_number_is_told_so(client):
    response = ask_code(client, phone="12")

    assert response.status_code == 400
    assert SENT not in response.content.decode()


def test_the_two_log_in_pages_link_to_each_other(client):
    assert 'href="/account/phone-login/"' in client.get("/login/").content.decode()
    assert 'href="/login/"' in client.get(URL).content.decode()


def test_a_signed_in_deputy_is_sent_on_and_a_next_that_is_no_path_is_ignored(client, wang):
    ask_code(client)
    sign_in(client, code_sent())

    assert client.get(URL + "?next=/work/messages/")["Location"] == "/work/messages/"
    assert client.get(URL + "?next=NaN")["Location"] == "/"
    assert client.get(URL + "?next=//evil.example/")["Location"] == "/"


def test_a_deputy_without_a_password_is_not_offered_a_password_change(client, wang):
    ask_code(client)
    sign_in(client, code_sent())

    assert 'href="/account/password/"' not in client.get("/work/mine/").content.decode()
