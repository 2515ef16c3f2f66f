"""闭会期间代表建议: the dispatcher or the liaison officer escalates an open or a rejected
(不予受理) matter; a suggestion record waits in the liaison committee's queue and the deputy is
told (韶山: "对于涉及面广、办理难度大、耗时长意见建议第一时间转市人大常委会联工委")."""

from __future__ import annotations

import pytest

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.core.errors import InvalidTransition, ValidationFailed
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, EventKind, Status
from minyi.suggestions.models import Suggestion, SuggestionStatus
from minyi.suggestions.services import suggestion_escalate
from tests.factories import MONDAY, UserFactory, keyed, last_event, make_order, refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def lin(db):
    """Lin the liaison officer (联工委): reads the ledger, turns complex matters into suggestions."""
    return UserFactory(username="lin", last_name="林", first_name="委", role=Role.LIAISON)


def test_the_liaison_officer_escalates_a_rejected_matter_into_the_committee_queue(lin, deputy):
    order = make_order("rejected", channel=Channel.DEPUTY_CALL, deputy=deputy)

    suggestion = suggestion_escalate(order=order, note="涉及面广、办理难度大", actor=lin)

    order.refresh_from_db()
    assert order.status == Status.ESCALATED
    assert (suggestion.order, suggestion.escalated_by, suggestion.escalated_at) == (
        order,
        lin,
        MONDAY,
    )
    assert (suggestion.note, suggestion.status) == (
        "涉及面广、办理难度大",
        SuggestionStatus.PENDING,
    )
    assert suggestion.get_status_display() == "待处理"
    assert suggestion.from_status == Status.REJECTED
    event = last_event(order)
    assert (event.kind, event.from_status, event.actor) == (EventKind.ESCALATED, "rejected", lin)
    told = OutboxMessage.objects.filter(order=order, template_code="order_escalated")
    assert sorted(told.values_list("recipient_phone", flat=True)) == sorted(
        [deputy.phones.get().number, order.requester_phone]
    )


def test_the_dispatcher_escalates_an_open_order_the_same_way(dan, hana):
    order = make_order("signed", handler=hana)

    suggestion_escalate(order=order, note="跨区规划，难度大", actor=dan)

    assert Suggestion.objects.get().order == order


def test_an_escalation_that_fails_leaves_no_suggestion(dan):
    order = make_order("archived")

    with refused(InvalidTransition, order):
        suggestion_escalate(order=order, note="转代表建议", actor=dan)
    with refused(ValidationFailed, make_order("accepted")):
        suggestion_escalate(order=make_order("accepted"), note=" ", actor=dan)

    assert not Suggestion.objects.exists()


# -- pages ----------------------------------------------------------------------------------------


def test_the_liaison_officer_escalates_from_the_order_page_and_finds_it_in_the_queue(
    client, lin, deputy
):
    order = make_order("rejected", channel=Channel.DEPUTY_CALL, deputy=deputy)
    client.force_login(lin)

    page = client.get(f"/work/orders/{order.number}/").content.decode()
    assert 'id="do-escalate"' in page
    response = client.post(
        f"/work/orders/{order.number}/escalate/", keyed(note="涉及面广、办理难度大、耗时长")
    )

    assert response.status_code == 302
    assert Suggestion.objects.get().escalated_by == lin
    queue = client.get("/work/suggestions/").content.decode()
    assert order.number in queue and "待处理" in queue and "涉及面广、办理难度大、耗时长" in queue


@pytest.mark.parametrize("persona", ["olivia", "hana", "carl"])
def test_other_roles_neither_escalate_nor_read_the_queue(client, request, persona, hana):
    order = make_order("signed", handler=hana)
    client.force_login(request.getfixturevalue(persona))

    response = client.post(f"/work/orders/{order.number}/escalate/", keyed(note="越权"))

    assert response.status_code in (403, 404)
    assert client.get("/work/suggestions/").status_code == 403
    assert not Suggestion.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_queue(client):
    response = client.get("/work/suggestions/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")
