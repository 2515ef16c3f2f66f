"""Personas of the duplicate panel beyond tests/logins.py: Lin the liaison officer (联工委)."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from tests.factories import UserFactory


@pytest.fixture
def lin(db):
    """Lin the liaison officer (联工委): reads every order, may not search by phone."""
    return UserFactory(username="lin", last_name="林", first_name="委", role=Role.LIAISON)
