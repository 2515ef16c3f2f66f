"""A fresh installation has no superuser: ``create_admin`` makes the first administrators."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from minyi.accounts.models import AccountEvent, Role, User

pytestmark = pytest.mark.django_db

STRONG = "Lan-Xiao#2026q"


def run(*args, **env) -> str:
    from io import StringIO

    out = StringIO()
    call_command("create_admin", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_security_administrator_from_the_prompt(monkeypatch):
    answers = iter([STRONG, STRONG])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    output = run("anquan", "--role", "security", "--name", "龙晓岚")

    user = User.objects.get(username="anquan")
    assert user.role == Role.SECURITY and user.get_full_name() == "龙晓岚"
    assert user.check_password(STRONG) and not user.password_change_required
    assert not user.is_superuser and not user.is_staff
    assert "已创建安全管理员" in output and "两步验证" in output
    event = AccountEvent.objects.get(user=user)
    assert event.kind == "user_created" and event.details["via"] == "create_admin"
    assert user.password_history.count() == 1


def test_a_password_from_the_environment_must_be_changed_at_first_log_in(monkeypatch):
    monkeypatch.setenv("MINYI_ADMIN_PASSWORD", STRONG)

    output = run("shenji", "--role", "audit", "--no-input")

    user = User.objects.get(username="shenji")
    assert user.role == Role.AUDIT and user.password_change_required
    assert "首次登录后须修改" in output


def test_a_weak_password_is_refused_in_chinese(monkeypatch):
    monkeypatch.setenv("MINYI_ADMIN_PASSWORD", "zhangsan1")

    with pytest.raises(CommandError) as refused:
        run("zhangsan", "--role", "admin", "--no-input")

    assert "至少需要 10 个字符" in str(refused.value)
    assert not User.objects.filter(username="zhangsan").exists()


def test_no_input_without_the_variable_is_refused(monkeypatch):
    monkeypatch.delenv("MINYI_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="MINYI_ADMIN_PASSWORD"):
        run("x", "--role", "admin", "--no-input")


def test_an_existing_user_name_is_refused(monkeypatch, olivia):
    monkeypatch.setenv("MINYI_ADMIN_PASSWORD", STRONG)
    with pytest.raises(CommandError, match="已存在"):
        run("olivia", "--role", "security")
    olivia.refresh_from_db()
    assert olivia.role == Role.OPERATOR


def test_only_administrator_roles_can_be_created():
    with pytest.raises(CommandError):
        run("op", "--role", "operator")


def test_createsuperuser_points_to_create_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    with pytest.raises(CommandError, match="create_admin"):
        call_command(
            "createsuperuser", username="root", email="root@example.invalid", interactive=False
        )
    assert not User.objects.filter(username="root").exists()
