"""The deputy rates the result on their phone (issue 9, rule 7): the rating is the callback.

Seed (衡阳): "由承办单位通过电话、短信告诉人大代表办理结果，并征求人大代表对办理结果是否满意".
"""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.core.errors import DomainError, ValidationFailed
from minyi.orders.models import (
    Callback,
    CallbackRater,
    EventKind,
    ReplyMethod,
    Satisfaction,
    Solved,
    Status,
)
from minyi.orders.services.closing import order_archive, order_callback, order_redo
from minyi.orders.services.handling import assignment_reply
from minyi.orders.services.rating import order_deputy_rate
from tests.factories import MONDAY, DeputyFactory, UserFactory, lead_of, make_order, refused
from tests.workbench.detail_helpers import deputy_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def zora(zhang):
    return deputy_user(zhang)


@pytest.fixture
def replied(zhang, hana, olivia):
    return make_order(
        "replied",
        channel="deputy_call",
        deputy=zhang,
        operator=olivia,
        handler=hana,
        requester_phone="+8613900001111",
    )


def test_a_deputy_rating_is_the_callback_recorded_as_given_by_the_deputy(replied, zora):
    callback = order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
    )

    assert (callback.rater, callback.agent, callback.solved) == (CallbackRater.DEPUTY, zora, True)
    replied.refresh_from_db()
    assert replied.status == Status.CALLBACK
    assert (replied.satisfaction, replied.solved_confirmed) == (Satisfaction.SATISFIED, True)
    event = replied.events.filter(kind=EventKind.CALLED_BACK).get()
    assert event.actor == zora
    assert event.data["rater"] == CallbackRater.DEPUTY


def test_a_satisfied_deputy_rating_lets_the_order_be_archived(replied, zora, carl):
    order_deputy_rate(
        order=replied, satisfaction=Satisfaction.BASICALLY, solved=Solved.SOLVED, actor=zora
    )

    order_archive(order=replied, actor=carl)

    replied.refresh_from_db()
    assert replied.status == Status.ARCHIVED
    assert replied.events.filter(kind=EventKind.CALLED_BACK).count() == 1  # no second callback


def test_a_dissatisfied_deputy_rating_sends_the_order_back_for_redo(replied, zora, carl):
    order_deputy_rate(
        order=replied,
        satisfaction=Satisfaction.DISSATISFIED,
        solved=Solved.NOT_YET,
        note="摊贩第二天又回来了",
        actor=zora,
    )
    replied.refresh_from_db()
    assert (replied.satisfaction, replied.solved_confirmed) == (Satisfaction.DISSATISFIED, False)

    order_redo(order=replied, note="代表不满意，摊贩仍在", actor=carl)

    replied.refresh_from_db()
    assert replied.status == Status.SIGNED


def test_rating_twice_makes_one_callback(replied, zora):
    first = order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
    )
    again = order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
    )

    assert again.pk == first.pk
    assert Callback.objects.filter(order=replied).count() == 1
    assert replied.events.filter(kind=EventKind.CALLED_BACK).count() == 1


def test_a_second_different_rating_is_refused_and_changes_nothing(replied, zora):
    order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
    )

    with refused(DomainError, replied, match="已评价"):
        order_deputy_rate(
            order=replied,
            satisfaction=Satisfaction.DISSATISFIED,
            solved=Solved.NOT_YET,
            actor=zora,
        )
    assert Callback.objects.filter(order=replied).count() == 1


def test_the_deputy_must_say_whether_it_is_solved(replied, zora):
    with refused(ValidationFailed, replied, match="是否解决"):
        order_deputy_rate(order=replied, satisfaction=Satisfaction.SATISFIED, solved="", actor=zora)


def test_the_deputy_cannot_answer_unreachable(replied, zora):
    with refused(ValidationFailed, replied, match="满意度"):
        order_deputy_rate(
            order=replied,
            satisfaction=Satisfaction.UNREACHABLE,
            solved=Solved.SOLVED,
            actor=zora,
        )


def test_only_the_deputy_who_raised_the_order_may_rate_it(replied, carl):
    other = UserFactory(username="yuki", role=Role.DEPUTY, deputy=DeputyFactory(name="另一位代表"))
    for user in (other, carl):
        with refused(DomainError, replied, match="反映该工单的代表"):
            order_deputy_rate(
                order=replied,
                satisfaction=Satisfaction.SATISFIED,
                solved=Solved.SOLVED,
                actor=user,
            )


def test_an_order_not_yet_replied_cannot_be_rated(zhang, zora, hana):
    order = make_order("signed", channel="deputy_call", deputy=zhang, handler=hana)
    with refused(DomainError, order):
        order_deputy_rate(
            order=order, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
        )


def test_the_agent_reaching_the_deputy_first_ends_the_rating(replied, zora, carl):
    order_callback(order=replied, satisfaction=Satisfaction.SATISFIED, solved=True, actor=carl)

    with refused(DomainError, replied, match="已评价"):
        order_deputy_rate(
            order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
        )


def test_an_unreachable_attempt_does_not_end_the_rating(replied, zora, carl):
    order_callback(order=replied, satisfaction=Satisfaction.UNREACHABLE, actor=carl)

    callback = order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.PARTLY, actor=zora
    )

    assert callback.solved is False  # 部分解决 is not a confirmed solution
    assert Callback.objects.filter(order=replied).count() == 2


def test_after_a_redo_the_new_reply_is_rated_again(replied, zora, carl, hana):
    order_deputy_rate(
        order=replied,
        satisfaction=Satisfaction.DISSATISFIED,
        solved=Solved.NOT_YET,
        actor=zora,
    )
    order_redo(order=replied, note="代表不满意", actor=carl)
    assignment_reply(
        assignment=lead_of(replied),
        content="已设置隔离护栏，摊贩已迁入便民市场。",
        method=ReplyMethod.PHONE,
        solved=Solved.SOLVED,
        actor=hana,
    )

    order_deputy_rate(
        order=replied, satisfaction=Satisfaction.SATISFIED, solved=Solved.SOLVED, actor=zora
    )

    assert Callback.objects.filter(order=replied, rater=CallbackRater.DEPUTY).count() == 2
