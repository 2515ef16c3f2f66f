"""Guessing a signed-in user's password (issue 8 review: "twelve wrong old_password posts to
/account/password/ all got 400, signing in still worked, no AccountEvent was written, and
django-axes never counted them"). A wrong current password counts exactly like a failed
log-in: the same counters, the same limits, the same audit row; a locked account's session
ends instead of checking more passwords."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

from minyi.accounts.models import AccountEvent, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Wang-Fang-2026"
NEW = "Qing-Xi#4821"
DESK, OTHER_DESK = "10.1.0.11", "10.1.0.12"


@pytest.fixture
def wangfang(db):
    user = UserFactory(username="wangfang", last_name="王", first_name="芳", role=Role.OPERATOR)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def session(wangfang):
    """Someone at 王芳's unlocked desk: her session, signed in with her password."""
    desk = Client(REMOTE_ADDR=DESK)
    assert desk.post("/login/", {"username": "wangfang", "password": PASSWORD}).status_code == 302
    return desk


def change(client, old: str, new: str = NEW):
    return client.post(
        "/account/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def log_in(password: str, ip: str = DESK):
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": "wangfang", "password": password})


def test_a_wrong_current_password_is_counted_and_recorded_like_a_failed_log_in(session, wangfang):
    response = change(session, "guess-1")

    assert response.status_code == 400 and "原密码不正确" in response.content.decode()
    assert signed_in(session)
    attempt = AccessAttempt.objects.get(username="wangfang")
    assert (attempt.ip_address, attempt.failures_since_start) == (DESK, 1)
    failed = AccountEvent.objects.get(kind="login_failed")
    assert (failed.user, failed.ip, failed.details) == (wangfang, DESK, {"page": "修改密码"})


def test_twelve_guesses_lock_the_account_and_end_the_session(session, wangfang):
    answers = [change(session, f"guess-{n}") for n in range(12)]

    assert [a.status_code for a in answers[:4]] == [400] * 4
    locked = answers[4]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "原密码连续输错次数过多" in page and "已退出登录" in page and "15 分钟" in page
    assert not signed_in(session)
    # the rest never reach the page: signed out, they are sent to log in
    assert all(a.status_code == 302 and "/login/" in a["Location"] for a in answers[5:])
    assert AccountEvent.objects.filter(kind="login_failed", user=wangfang).count() == 5
    assert AccountEvent.objects.filter(kind="locked_out", user=wangfang).exists()
    ended = AccountEvent.objects.filter(user=wangfang, details__reason="locked")
    assert ended.count() == 1
    # … and signing in from that desk is refused, as after five wrong log-ins
    assert log_in(PASSWORD).status_code == 429
    wangfang.refresh_from_db()
    assert wangfang.check_password(PASSWORD)


def test_guesses_and_failed_log_ins_share_one_counter(session, wangfang):
    for n in range(3):
        log_in(f"wrong-{n}")
    change(session, "guess-a")

    assert change(session, "guess-b").status_code == 429
    assert not signed_in(session)


def test_a_session_of_a_locked_account_may_not_try_its_password(session, wangfang):
    for n in range(5):
        log_in(f"wrong-{n}")  # someone else locks 王芳 out from this address

    response = change(session, PASSWORD)  # even the right password is not checked any more

    assert response.status_code == 429 and not signed_in(session)
    wangfang.refresh_from_db()
    assert wangfang.check_password(PASSWORD) and not wangfang.check_password(NEW)


def test_the_guessed_and_new_passwords_are_not_kept_with_the_failures(session):
    change(session, "Guess-Secret-1", new="New-Secret-77")

    kept = AccessAttempt.objects.get()
    assert "Guess-Secret-1" not in kept.post_data and "New-Secret-77" not in kept.post_data
    assert not AccountEvent.objects.filter(details__icontains="Secret").exists()


def test_the_right_current_password_still_changes_it(session, wangfang):
    change(session, "typo")

    assert change(session, PASSWORD).status_code == 302
    wangfang.refresh_from_db()
    assert wangfang.check_password(NEW)


def test_no_other_code_checks_a_signed_in_users_password():
    """One door: a new page that asks for the password again must call password_confirm (and
    so count and record), not ``user.check_password``. The log-in page goes through Django's
    ``authenticate``, which axes guards."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "minyi"
    checking = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"\.check_password\(|\bauthenticate\(\s*request", path.read_text())
    }

    assert checking == {"accounts/services/credentials.py"}
