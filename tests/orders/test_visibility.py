"""Who sees which orders (DESIGN §9): each role sees its own, and the refusals are proven."""

from __future__ import annotations

import pytest

from minyi.orders.models import Channel
from minyi.orders.selectors import orders_visible_to
from tests.factories import DeputyFactory, HandlerFactory, UserFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(dan, hana, henry, olivia, dept_a, dept_b):
    """Three orders: one for department A, one for B, one raised by a deputy and in callback."""
    deputy = DeputyFactory()
    a = make_order("signed", dispatcher=dan, handler=hana, operator=olivia)
    b = make_order("dispatched", dispatcher=dan, handler=henry)
    c = make_order(
        "replied", dispatcher=dan, handler=henry, channel=Channel.DEPUTY_CALL, deputy=deputy
    )
    return {"a": a, "b": b, "c": c, "deputy": deputy}


def numbers(user) -> set[str]:
    return set(orders_visible_to(user).values_list("number", flat=True))


def test_the_liaison_officer_and_dispatcher_see_every_order(world, dan):
    everything = {o.number for o in (world["a"], world["b"], world["c"])}
    assert numbers(UserFactory(role="liaison")) == everything
    assert numbers(dan) == everything


@pytest.mark.parametrize("role", ["admin", "security", "audit"])
def test_the_administrators_see_no_order_outside_the_admin(world, role):
    assert numbers(UserFactory(role=role)) == set()


def test_an_inactive_user_sees_nothing(world, dan):
    dan.is_active = False
    assert numbers(dan) == set()


def test_a_department_sees_only_the_orders_dispatched_to_it(world, hana, henry):
    assert numbers(hana) == {world["a"].number}
    assert numbers(henry) == {world["b"].number, world["c"].number}


def test_a_handler_of_a_department_with_no_orders_sees_nothing(world):
    assert numbers(HandlerFactory()) == set()


def test_the_callback_agent_sees_only_what_is_in_callback(world, carl):
    assert numbers(carl) == {world["c"].number}


def test_an_operator_sees_the_orders_they_recorded(world, olivia):
    assert numbers(olivia) == {world["a"].number}


def test_a_deputy_sees_only_their_own_orders(world):
    me = UserFactory(role="deputy", deputy=world["deputy"])
    stranger = UserFactory(role="deputy", deputy=DeputyFactory())

    assert numbers(me) == {world["c"].number}
    assert numbers(stranger) == set()


def test_a_user_without_a_role_or_signed_out_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert numbers(UserFactory(role="")) == set()
    assert numbers(AnonymousUser()) == set()
