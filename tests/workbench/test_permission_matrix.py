"""Role × action: every refusal of the detail page's endpoints, and that it changed nothing.

Each action is tried on an order in a state where it makes sense (so a refusal is about the
person, not the state), raised by the deputy 张三, recorded by Olivia, dispatched by Dan to
Hana's department:

- anonymous → the sign-in page;
- a persona who cannot see the order → 404 (Henry's department has no part in it, Hana's none
  before dispatch; Carl sees only orders in callback);
- a persona who sees it but whose job the action is not → 403;
- the persona whose job it is is left out here (test_detail_actions.py covers it).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.orders.models import Channel
from minyi.orders.services.handling import extension_request
from minyi.orders.services.tracking import tracking_done
from minyi.privacy.models import PersonalDataAccess
from minyi.workbench.permissions import ACTION_NAMES
from tests.factories import MONDAY, keyed, lead_of, make_order
from tests.workbench.detail_helpers import deputy_user, detail_url, snapshot

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "olivia", "dan", "hana", "henry", "carl", "deputy")

# action → (the order's state, the persona or personas whose job it is)
ACTIONS = {
    # the operator who recorded the order may dispatch it at once (the console's next step)
    "dispatch": ("accepted", ("dan", "olivia")),
    "answer": ("accepted", "olivia"),
    "intake": ("draft", "dan"),
    "reject": ("accepted", "dan"),
    "return-accept": ("returned", "dan"),
    "return-refuse": ("returned", "dan"),
    "extension-approve": ("extension", "dan"),
    "extension-deny": ("extension", "dan"),
    "escalate": ("signed", "dan"),
    "merge": ("signed", "dan"),
    "supervise": ("signed", "dan"),
    "sign": ("dispatched", "hana"),
    "return": ("dispatched", "hana"),
    "extend": ("signed", "hana"),
    "reply": ("signed", "hana"),
    "callback": ("replied", "carl"),
    "archive": ("callback", "carl"),
    "redo": ("callback", "carl"),
    "rate": ("replied", "deputy"),
    "tracking-progress": ("tracking", "hana"),
    "tracking-done": ("tracking", "hana"),
    # the callback agent by phone, or the deputy on their page
    "tracking-confirm": ("tracking_done", ("carl", "deputy")),
}
CALLBACK_STATES = {"replied", "callback", "tracking", "tracking_done"}


def test_the_matrix_covers_every_action():
    assert set(ACTIONS) == set(ACTION_NAMES)


def expected(persona: str, state: str) -> int:
    if persona == "anonymous":
        return 302
    if persona == "henry" or (persona == "carl" and state not in CALLBACK_STATES):
        return 404
    if persona == "hana" and state in ("draft", "accepted"):  # not yet dispatched to her
        return 404
    return 403


@pytest.fixture
def people(olivia, dan, hana, henry, carl, zhang):
    return {
        "olivia": olivia,
        "dan": dan,
        "hana": hana,
        "henry": henry,
        "carl": carl,
        "deputy": deputy_user(zhang),
    }


@pytest.fixture
def order_in(people, zhang):
    def make(state: str):
        with clock.frozen(MONDAY):
            order = make_order(
                {"extension": "signed", "tracking_done": "tracking"}.get(state, state),
                channel=Channel.DEPUTY_CALL,
                deputy=zhang,
                operator=people["olivia"],
                dispatcher=people["dan"],
                handler=people["hana"],
                agent=people["carl"],
            )
            if state == "extension":
                lead = lead_of(order)
                extension_request(
                    assignment=lead,
                    requested_due=lead.reply_due + timedelta(days=5),
                    reason="需勘测",
                    actor=people["hana"],
                )
            if state == "tracking_done":
                tracking_done(order=order, text="已办结", actor=people["hana"])
        return order

    return make


CASES = [
    (action, persona)
    for action, (state, allowed) in ACTIONS.items()
    for persona in PERSONAS
    if persona not in ((allowed,) if isinstance(allowed, str) else allowed)
]


@pytest.mark.parametrize(("action", "persona"), CASES)
def test_a_refused_action_changes_nothing(client, people, order_in, action, persona):
    state = ACTIONS[action][0]
    order = order_in(state)
    if persona != "anonymous":
        client.force_login(people[persona])
    before = snapshot(order)

    # a plausible body: a refusal must not depend on the form being empty
    response = client.post(detail_url(order, action), keyed(note="试图越权", reason="x"))

    assert response.status_code == expected(persona, state)
    if persona == "anonymous":
        assert response["Location"].startswith("/login/")
    assert snapshot(order) == before


# -- the page itself and the reveal ------------------------------------------------------------

PAGE = {"anonymous": 302, "henry": 404, "carl": 404}
REVEAL = {"anonymous": 302, "henry": 404, "carl": 404, "deputy": 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_page_opens_for_those_who_see_the_order(client, people, order_in, persona):
    order = order_in("signed")
    if persona != "anonymous":
        client.force_login(people[persona])

    assert client.get(detail_url(order)).status_code == PAGE.get(persona, 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_reveal_is_refused_and_unlogged_for_those_who_may_not(
    client, people, order_in, persona
):
    order = order_in("signed")
    if persona != "anonymous":
        client.force_login(people[persona])

    response = client.post(detail_url(order, "reveal"))

    assert response.status_code == REVEAL.get(persona, 200)
    assert PersonalDataAccess.objects.count() == (1 if persona not in REVEAL else 0)


@pytest.mark.parametrize("persona", ["anonymous", "henry", "carl"])
def test_an_attachment_is_refused_to_those_who_cannot_see_the_order(
    client, people, order_in, persona
):
    order = order_in("returned")
    attachment = order.attachments.get()
    if persona != "anonymous":
        client.force_login(people[persona])

    response = client.get(detail_url(order, f"attachments/{attachment.pk}"))

    assert response.status_code == (302 if persona == "anonymous" else 404)


# -- the same matrix through the JSON API -------------------------------------------------------


@pytest.mark.parametrize(("action", "persona"), CASES)
def test_a_refused_api_action_changes_nothing(client, people, order_in, action, persona):
    state = ACTIONS[action][0]
    order = order_in(state)
    if persona != "anonymous":
        client.force_login(people[persona])
    before = snapshot(order)

    response = client.post(
        f"/api/orders/{order.number}/actions/{action}/",
        data={"note": "试图越权", "reason": "x"},
        content_type="application/json",
    )

    # DRF answers an anonymous API call with 403 (session authentication), not a redirect
    wanted = 403 if persona == "anonymous" else expected(persona, state)
    assert response.status_code == wanted
    assert response.json()["code"] in ("forbidden", "not_found", "not_authenticated")
    assert snapshot(order) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_lists_and_shows_the_order_to_those_who_see_it(client, people, order_in, persona):
    order = order_in("signed")
    if persona != "anonymous":
        client.force_login(people[persona])

    detail = client.get(f"/api/orders/{order.number}/")
    listed = client.get("/api/orders/")

    if persona == "anonymous":
        assert (detail.status_code, listed.status_code) == (403, 403)
    elif PAGE.get(persona) == 404:
        assert detail.status_code == 404
        assert order.number not in [row["number"] for row in listed.json()["results"]]
    else:
        assert detail.status_code == 200
        assert order.number in [row["number"] for row in listed.json()["results"]]
