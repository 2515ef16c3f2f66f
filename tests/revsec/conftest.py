"""Personas of the suggestion lifecycle: Lin the liaison officer, Wang the lead deputy (with an
account), Zhao a co-signer, the departments' handlers Hana (A) and Henry (B)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from tests.factories import DeputyFactory, UserFactory


@pytest.fixture
def lin(db):
    """Lin the liaison officer (联工委): reviews suggestions and hands them to departments."""
    return UserFactory(username="lin", last_name="林", first_name="委", role=Role.LIAISON)


@pytest.fixture
def wang(deputy):
    """王代表's account: the lead deputy of the suggestions below."""
    return UserFactory(
        username="wang", last_name="王", first_name="代表", role=Role.DEPUTY, deputy=deputy
    )


@pytest.fixture
def zhao(db):
    """赵代表: co-signs, has an account, but leads nothing."""
    person = DeputyFactory(name="赵代表")
    return UserFactory(
        username="zhao", last_name="赵", first_name="代表", role=Role.DEPUTY, deputy=person
    )
