"""The operator console shows a full number or a deputy's orders only from the operator's own
ring or look-up, and logs each showing; numbers never stand in a URL.

Olivia and Oscar are operators. The PBX rings calls at Olivia's extension 8001, at Oscar's,
or at no one in particular (every operator's screen).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.calls.notify import ring_payload
from minyi.calls.services import call_event_receive
from minyi.core import clock
from minyi.orders.models import Channel
from minyi.privacy.models import PersonalDataAccess, Surface
from tests.factories import ZHANG_MOBILE, AgentMappingFactory, UserFactory, keyed, make_order

pytestmark = pytest.mark.django_db

CITIZEN = "+8613912345678"


@pytest.fixture
def oscar(db):
    return UserFactory(username="oscar", role="operator")


@pytest.fixture
def desks(olivia, oscar):
    AgentMappingFactory(extension="8001", user=olivia)
    AgentMappingFactory(extension="8002", user=oscar)


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


def ring(call_id: str, caller: str, *, agent: str = "", answer: bool = False, at=None):
    moment = at or clock.now()
    call = call_event_receive(event="ring", call_id=call_id, caller=caller, agent=agent, at=moment)
    if answer:
        call = call_event_receive(
            event="answer", call_id=call_id, agent=agent, at=moment + timedelta(seconds=5)
        )
    return call


def prefill(client, call_id: str):
    return client.get("/console/intake/", {"call": call_id}, REMOTE_ADDR="10.0.0.9")


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"agent": "8001"}, id="ringing-at-her-desk"),
        pytest.param({"agent": "8001", "answer": True}, id="answered-at-her-desk"),
        pytest.param({}, id="ringing-for-everyone"),
    ],
)
def test_a_call_of_her_own_prefills_the_number_and_the_view_is_logged(
    as_olivia, olivia, desks, how
):
    ring("c-1", CITIZEN, **how)

    response = prefill(as_olivia, "c-1")

    assert response.status_code == 200
    assert f'value="{CITIZEN}"' in response.content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.surface, row.subject, row.fields, row.ip) == (
        olivia,
        Surface.CONSOLE,
        "来电 c-1",
        "来电号码",
        "10.0.0.9",
    )


def test_a_deputy_calling_prefills_the_deputy_and_their_orders_in_one_logged_view(
    as_olivia, olivia, zhang
):
    earlier = make_order(
        "accepted", channel=Channel.DEPUTY_CALL, deputy=zhang, title="村口路面塌陷"
    )
    ring("c-1", ZHANG_MOBILE)

    page = prefill(as_olivia, "c-1").content.decode()

    assert earlier.number in page and "村口路面塌陷" in page
    row = PersonalDataAccess.objects.get()
    assert (row.subject, row.fields) == ("来电 c-1", "来电号码、代表近期工单")


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"agent": "8002"}, id="at-another-operators-desk"),
        pytest.param({"agent": "8002", "answer": True}, id="answered-by-another-operator"),
    ],
)
def test_a_call_of_another_operator_is_refused_and_nothing_is_logged(as_olivia, desks, zhang, how):
    ring("c-1", ZHANG_MOBILE, **how)

    response = prefill(as_olivia, "c-1")

    page = response.content.decode()
    assert response.status_code == 403
    assert "不能带出来电号码" in page
    assert "13800138000" not in page and "张三" not in page
    assert not PersonalDataAccess.objects.exists()


def test_a_ring_for_everyone_once_oscar_answered_it_is_his(as_olivia, desks):
    ring("c-1", CITIZEN)
    call_event_receive(event="answer", call_id="c-1", agent="8002", at=clock.now())

    assert prefill(as_olivia, "c-1").status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_yesterdays_call_is_refused(as_olivia, olivia, desks):
    ring("c-1", CITIZEN, agent="8001", at=clock.now() - timedelta(days=1))

    assert prefill(as_olivia, "c-1").status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_call_for_everyone_that_ended_is_nobodys_to_prefill(as_olivia):
    ring("c-1", CITIZEN)
    call_event_receive(event="hangup", call_id="c-1", at=clock.now() + timedelta(seconds=9))

    assert prefill(as_olivia, "c-1").status_code == 403


@pytest.mark.parametrize(
    "call_id, status",
    [
        ("no-such-call", 403),
        ("c" * 65, 403),
        ("c-1\x00", 400),  # the request guard refuses a NUL before any view reads it
    ],
)
def test_an_unknown_call_is_refused(as_olivia, call_id, status):
    ring("c-1", CITIZEN)

    assert prefill(as_olivia, call_id).status_code == status
    assert not PersonalDataAccess.objects.exists()


def test_a_deputy_id_in_the_url_lists_nobodys_orders(as_olivia, zhang):
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhang, title="村口路面塌陷")

    page = as_olivia.get("/console/intake/", {"deputy": zhang.pk}).content.decode()

    assert order.number not in page and "村口路面塌陷" not in page and "张三" not in page
    assert not PersonalDataAccess.objects.exists()


def _intake_post(client, **fields):
    data = {
        "channel": Channel.DEPUTY_CALL,
        "title": "",  # invalid: the form is shown again
        "content": "路灯不亮",
        "request_type": "",
        "urgency": "normal",
        "complexity": "normal",
    }
    data.update(fields)
    return client.post("/console/intake/", keyed(data))


def test_a_posted_deputy_id_without_proof_lists_nobodys_orders(as_olivia, zhang):
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhang)

    page = _intake_post(as_olivia, deputy=zhang.pk).content.decode()

    assert order.number not in page
    assert not PersonalDataAccess.objects.exists()


def test_a_form_shown_again_keeps_the_deputy_her_ring_identified_and_logs_it(as_olivia, zhang):
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhang)
    ring("c-1", ZHANG_MOBILE)
    first = prefill(as_olivia, "c-1").content.decode()
    token = first.split('name="identified" value="')[1].split('"')[0]

    page = _intake_post(as_olivia, deputy=zhang.pk, identified=token).content.decode()

    assert order.number in page
    assert [r.fields for r in PersonalDataAccess.objects.order_by("id")] == [
        "来电号码、代表近期工单",
        "代表近期工单",
    ]


def test_another_operators_proof_is_worth_nothing(client, oscar, olivia, zhang):
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhang)
    ring("c-1", ZHANG_MOBILE)
    client.force_login(olivia)
    token = prefill(client, "c-1").content.decode().split('name="identified" value="')[1]
    token = token.split('"')[0]
    client.force_login(oscar)

    page = _intake_post(client, deputy=zhang.pk, identified=token).content.decode()

    assert order.number not in page


def test_the_lookup_is_a_post_so_the_number_stays_out_of_urls(as_olivia, zhang):
    assert as_olivia.get("/console/lookup/", {"phone": "13800138000"}).status_code == 405

    page = as_olivia.post("/console/lookup/", {"phone": "138 0013 8000"}).content.decode()

    assert "张三 湖南省(湘潭市、韶山市、银田镇)人大代表" in page
    assert "?phone=" not in page and 'hx-get="/console/intake/?' not in page
    assert 'hx-post="/console/intake/lookup/"' in page


def test_intake_from_her_lookup_shows_the_deputys_orders_and_logs_them(as_olivia, olivia, zhang):
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhang)

    page = as_olivia.post("/console/intake/lookup/", {"phone": "13800138000"}).content.decode()

    assert order.number in page and 'value="张三"' in page
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.surface, row.subject, row.fields) == (
        olivia,
        Surface.CONSOLE,
        f"代表 张三（#{zhang.pk}）",
        "代表近期工单",
    )


def test_the_console_page_has_no_form_that_sends_a_number_in_a_url(as_olivia):
    page = as_olivia.get("/console/").content.decode()

    assert 'hx-get="/console/lookup/"' not in page
    assert 'hx-post="/console/lookup/"' in page


def test_a_ring_pushed_to_every_console_carries_the_number_masked_only(zhang):
    call = ring("c-1", ZHANG_MOBILE)

    payload = ring_payload(call, None)

    assert "13800138000" not in str(payload)
    assert payload["caller_masked"] == "138****8000"


def test_only_her_own_call_is_linked_to_her_order(as_olivia, desks, zhang):
    from minyi.calls.models import CallLog
    from tests.factories import request_type

    ring("c-9", ZHANG_MOBILE, agent="8002")

    as_olivia.post(
        "/console/intake/",
        {
            "channel": Channel.CITIZEN_CALL,
            "call_id": "c-9",
            "requester_name": "王大爷",
            "request_type": request_type("complain").pk,
            "urgency": "normal",
            "complexity": "normal",
            "title": "路灯不亮",
            "content": "路灯不亮",
        },
    )

    assert CallLog.objects.get(call_id="c-9").order is None
