"""The dispatch page's duplicate panel: the candidates of an order still to be dispatched, with
并入此单 and 按重复诉求不予受理 through the order page's own actions, and 作为新诉求 audited."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.intake.services import intake_catch_up
from minyi.notify.models import OutboxMessage
from minyi.orders.models import EventKind, Status
from tests.factories import MONDAY, keyed, make_order, scope_reason

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def as_dan(client, dan):
    client.force_login(dan)
    return client


@pytest.fixture
def pair(dan, dept_a):
    master = make_order("dispatched", lead=dept_a, dispatcher=dan, requester_phone=PHONE)
    again = make_order("accepted", requester_phone=PHONE, title="占道经营又来了")
    intake_catch_up()
    return master, again


def test_the_dispatch_page_loads_the_panel_of_an_order_to_dispatch(as_dan, pair):
    master, again = pair

    page = as_dan.get(f"/work/orders/{again.number}/").content.decode()
    panel = as_dan.get(f"/intake/orders/{again.number}/candidates/").content.decode()

    assert f'hx-get="/intake/orders/{again.number}/candidates/"' in page
    assert master.number in panel and "同一来电号码" in panel
    assert f'action="/work/orders/{again.number}/merge/"' in panel
    assert f'action="/work/orders/{again.number}/reject/"' in panel
    assert f'value="{scope_reason("duplicate").pk}"' in panel


def test_merging_from_the_panel_tells_the_caller_the_masters_progress(as_dan, pair):
    master, again = pair

    as_dan.post(f"/work/orders/{again.number}/merge/", keyed(master=master.number, note=""))

    again.refresh_from_db()
    assert again.status == Status.MERGED and again.master == master
    [sms] = OutboxMessage.objects.filter(order=again, template_code="order_merged")
    assert master.number in sms.body and "已派至承办单位" in sms.body


def test_accepting_as_new_on_the_dispatch_page_is_audited_once(as_dan, pair):
    master, again = pair
    body = keyed()

    as_dan.post(f"/intake/orders/{again.number}/dismiss/", body)
    as_dan.post(f"/intake/orders/{again.number}/dismiss/", body)

    [event] = again.events.filter(kind=EventKind.DUPLICATES_DISMISSED)
    assert event.data["dismissed"] == [master.number] and event.actor.username == "dan"


def test_a_handler_gets_no_dispatch_panel(client, hana, pair):
    _, again = pair
    client.force_login(hana)

    assert client.get(f"/intake/orders/{again.number}/candidates/").status_code == 403


def test_an_order_already_dispatched_has_no_panel(as_dan, pair):
    master, _ = pair

    assert as_dan.get(f"/intake/orders/{master.number}/candidates/").status_code == 403


def test_forwarding_a_message_shows_the_candidates_the_liaison_officer_may_see(client, pair):
    from minyi.accounts.models import Role
    from tests.factories import MessageFactory, UserFactory

    master, _ = pair
    message = MessageFactory(phone=PHONE, content="小区门口又有人占道经营了", holder="liaison")
    client.force_login(UserFactory(role=Role.LIAISON))

    panel = client.post(f"/intake/messages/{message.pk}/candidates/", {"title": "占道"})

    assert panel.status_code == 200
    assert (
        master.number in panel.content.decode() and "在附言中注明疑似重复" in panel.content.decode()
    )


def test_a_station_sees_no_order_as_a_candidate(client, pair):
    from minyi.accounts.models import Role
    from tests.factories import LiaisonStationFactory, MessageFactory, UserFactory

    station = LiaisonStationFactory()
    message = MessageFactory(
        phone=PHONE, content="小区门口又有人占道经营了", holder="station", station=station
    )
    station = UserFactory(role=Role.STATION, station=station)
    client.force_login(station)

    panel = client.post(f"/intake/messages/{message.pk}/candidates/", {"title": "占道"})

    assert panel.status_code == 200 and pair[0].number not in panel.content.decode()


def test_the_forward_form_refreshes_the_panel_as_the_title_is_typed(client):
    from minyi.accounts.models import Role
    from tests.factories import MessageFactory, UserFactory

    message = MessageFactory(holder="liaison")
    client.force_login(UserFactory(role=Role.LIAISON))

    page = client.get(f"/work/messages/{message.pk}/?do=forward").content.decode()

    assert f'hx-post="/intake/messages/{message.pk}/candidates/"' in page
