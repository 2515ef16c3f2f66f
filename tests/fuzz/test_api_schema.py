"""schemathesis over ``/api/schema/``: every operation of the JSON API, with generated valid and
invalid input, signed in as a dispatcher and as a handler (the CTI webhook with its token).
No answer may be a 5xx, and every answer must be one the document describes: its status, its
content type and its body — the orders as serialized, every error in the one error shape.

The app is called in process (``from_wsgi``), inside the test's database transaction. Bounded
in time: a fixed number of examples per operation and no per-example deadline.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.wsgi import application
from tests.factories import MONDAY, HandlerFactory, UserFactory, make_order

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CSRF = "fuzzcsrf" * 4  # 32 characters: the cookie's secret, sent back in the header as well


@pytest.fixture
def world(db):
    """Orders in four states the two personas may act on."""
    with clock.frozen(MONDAY):
        dispatcher = UserFactory(username="sd-dispatcher", role=Role.DISPATCHER)
        handler = HandlerFactory(username="sd-handler")
        orders = [
            make_order(state, dispatcher=dispatcher, handler=handler)
            for state in ("accepted", "dispatched", "signed", "replied")
        ]
    return {"dispatcher": dispatcher, "handler": handler, "orders": orders, "sessions": {}}


def _session_cookie(client, world, persona: str) -> str:
    """Each persona signs in once; its session cookie goes with every case."""
    if persona not in world["sessions"]:
        client.force_login(world[persona])
        world["sessions"][persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world["sessions"][persona]


@pytest.fixture
def in_test_transaction():
    """The WSGI app closes "old" connections when a request ends — inside the test's
    transaction that would close it. Django's own test client does the same as here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, client):
    # The schema needs a signed-in user (DEBUG off): the test client asks for it with the
    # dispatcher's session (schemathesis's WSGI loader keeps its own, empty, cookie jar), then
    # the cases call the app in process, as ``from_wsgi`` would have set it up.
    _session_cookie(client, world, "dispatcher")
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200, response.content[:200]
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app, schema.location = application, "/api/schema/"
    return schema


@pytest.fixture
def app_schema(api_schema, in_test_transaction):
    """The schema, once the test client has had its request: it reconnects the signals that
    ``in_test_transaction`` must keep disconnected while the cases run."""
    return api_schema


# Bounded: per operation, 25 valid and 25 invalid examples for each persona (a few seconds).
BOUNDED = hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,  # nothing written under the work tree
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


TURNS = itertools.count()


def call_as(case, persona: str, world, client, token: str) -> None:
    cookie = _session_cookie(client, world, persona)
    # Every other case on a real order, without a cursor, at a plausible moment: so the
    # actions, details, pages and calls run, not only their refusals.
    turn = next(TURNS)
    if turn % 2:
        if "number" in (case.path_parameters or {}):
            case.path_parameters["number"] = world["orders"][turn // 2 % 4].number
        for name in ("cursor",):
            (case.query or {}).pop(name, None)
        if isinstance(case.body, dict) and "at" in case.body:
            case.body.pop("at")
    # Set on the case itself: what the schema's security schemes generate is replaced.
    case.cookies = {settings.SESSION_COOKIE_NAME: cookie, settings.CSRF_COOKIE_NAME: CSRF}
    case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF}
    if case.operation.path == "/api/cti/events":
        case.headers["Authorization"] = f"Bearer {token}"
    case.call_and_validate(checks=CHECKS)


# schemathesis's own pytest wrapper (``schema.parametrize``) does not run under pytest 9 (it sets
# a node attribute pytest no longer has), so the operations are driven here with Hypothesis.
@pytest.mark.parametrize("persona", ["dispatcher", "handler"])
def test_the_api_answers_as_its_schema_says(persona, app_schema, world, client, pbx_token):
    operations = [r.ok() for r in app_schema.exclude(path="/api/schema/").get_all_operations()]
    assert len(operations) >= 5
    with clock.frozen(MONDAY):
        for operation, mode in itertools.product(operations, GenerationMode):

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                call_as(case, persona, world, client, pbx_token)

            check()
