"""`manage.py demo` creates three administrators (and everyone else) with a published password:
it refuses a database that looks like a deployment unless told otherwise on purpose."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import password_validation
from django.core.management import CommandError, call_command

from minyi.accounts.models import User
from minyi.demo.people import PASSWORD
from minyi.reference.models import Region
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--orders", "0", *args, stdout=out)
    return out.getvalue()


def test_a_deployments_host_name_stops_the_demo(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "hotline.example.gov.cn"]

    with pytest.raises(CommandError) as refused:
        demo()

    message = str(refused.value)
    assert "像是正式部署" in message and "hotline.example.gov.cn" in message
    assert "公开的密码" in message and "--force" in message
    assert refused.value.returncode == 1
    assert not User.objects.exists() and not Region.objects.filter(code="430382").exists()


@pytest.mark.parametrize("hosts", [["*"], [".example.gov.cn"], ["10.0.0.5"]])
def test_any_host_but_this_machine_counts_as_a_deployment(settings, hosts):
    settings.ALLOWED_HOSTS = hosts

    with pytest.raises(CommandError, match="像是正式部署"):
        demo()


def test_a_database_that_already_has_accounts_stops_the_demo():
    UserFactory(username="xitong")

    with pytest.raises(CommandError, match="已有 1 个用户账号"):
        demo()

    assert User.objects.count() == 1


def test_force_loads_it_on_purpose(settings):
    settings.ALLOWED_HOSTS = ["staging.example.gov.cn"]

    output = demo("--force")

    assert User.objects.filter(username="security").exists() and PASSWORD in output


def test_this_machines_host_names_are_the_demo(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

    assert "演示账号" in demo()


def test_the_demo_password_meets_the_password_policy():
    demo()

    for user in User.objects.all():
        # the policy as for a new password of this account (not the reuse rule: it is theirs)
        person = User(username=user.username, last_name=user.last_name, first_name=user.first_name)
        password_validation.validate_password(PASSWORD, person)  # raises if refused
    assert "minyi" not in PASSWORD.lower()
