"""Personas of the clue library: Lin the liaison officer; the 城乡建设 group with Wang (a member,
with an account); Zhao, a deputy with an account outside the group; Hana a department handler."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.clues.services import clue_create
from minyi.core import clock
from tests.factories import (
    MONDAY,
    DeputyFactory,
    ProfessionalGroupFactory,
    UserFactory,
    make_order,
)


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def lin(db):
    """Lin the liaison officer (联工委): builds the clue library."""
    return UserFactory(username="lin", last_name="林", first_name="委", role=Role.LIAISON)


@pytest.fixture
def wang(deputy):
    """王代表's account, a member of 城乡建设."""
    return UserFactory(
        username="wang", last_name="王", first_name="代表", role=Role.DEPUTY, deputy=deputy
    )


@pytest.fixture
def zhao(db):
    """赵代表: a deputy with an account, in no group."""
    person = DeputyFactory(name="赵代表")
    return UserFactory(
        username="zhao", last_name="赵", first_name="代表", role=Role.DEPUTY, deputy=person
    )


@pytest.fixture
def group(wang):
    group = ProfessionalGroupFactory(name="城乡建设")
    group.deputies.add(wang.deputy)
    return group


@pytest.fixture
def stalls(db):
    """Two orders about street stalls (占道经营) by 李群众."""
    return [
        make_order("accepted", title="小区门口占道经营", content="每天傍晚有摊贩占用人行道。"),
        make_order("accepted", title="菜市场外占道摆摊", content="摊贩占道经营，行人走机动车道。"),
    ]


@pytest.fixture
def clue(lin, group, stalls):
    return clue_create(
        title="占道经营反复出现",
        summary="多个小区门口傍晚占道经营。",
        orders=stalls,
        group=group,
        actor=lin,
    )
