"""The console through a shift (issue 9): a reload keeps the current call and its banner, today's
lists refresh in place, and the calling deputy's recent orders are links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from minyi.calls.lookup import deputy_card
from minyi.calls.models import CallLog, CallStatus
from minyi.core import clock
from minyi.orders.models import Channel
from minyi.privacy.models import PersonalDataAccess
from tests.factories import ZHANG_MOBILE, DeputyFactory, UserFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_olivia(client, olivia):
    client.force_login(olivia)
    return client


def call(call_id: str, *, status=CallStatus.ANSWERED, ago=timedelta(minutes=1), **fields):
    now = clock.now()
    return CallLog.objects.create(
        call_id=call_id,
        caller=fields.pop("caller", ZHANG_MOBILE),
        status=status,
        started_at=now - ago,
        ended_at=now - ago + timedelta(seconds=30) if status == CallStatus.ENDED else None,
        **fields,
    )


def console(client) -> str:
    response = client.get("/console/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_reload_during_a_deputy_call_keeps_the_red_banner_and_the_greeting(
    as_olivia, olivia, zhang
):
    call("c-live", agent=olivia, deputy=zhang)

    page = console(as_olivia)

    assert 'class="banner deputy" id="banner" data-call="c-live"' in page
    assert f'<div id="banner-text">{deputy_card(zhang.pk).banner}</div>' in page
    assert "欢迎您，张三代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？" in page
    assert "/console/intake/?call=c-live" in page  # 登记工单 (F2) prefills from this call
    assert ZHANG_MOBILE not in page  # the banner shows no number


def test_a_reload_during_a_citizen_call_keeps_its_banner_with_the_number_masked(as_olivia, olivia):
    call("c-citizen", agent=olivia, caller="+8613912345678")

    page = console(as_olivia)

    assert 'class="banner citizen" id="banner" data-call="c-citizen"' in page
    assert "群众来电 139****5678" in page and "13912345678" not in page


def test_a_call_still_ringing_for_every_operator_survives_a_reload(as_olivia, zhang, pbx):
    pbx(event="ring", call_id="c-ring", to="12345", **{"from": ZHANG_MOBILE})

    assert 'data-call="c-ring"' in console(as_olivia)


def test_once_recorded_or_long_over_or_someone_elses_the_call_leaves_the_screen(
    as_olivia, olivia, zhang
):
    oscar = UserFactory(username="oscar", role="operator")
    call("c-theirs", agent=oscar, deputy=zhang)
    call("c-old", agent=olivia, status=CallStatus.ENDED, ago=timedelta(minutes=30))
    call("c-missed", agent=olivia, status=CallStatus.MISSED, ago=timedelta(minutes=2))
    assert "data-call=" not in console(as_olivia)

    recorded = call("c-done", agent=olivia, deputy=zhang)
    recorded.order = make_order("accepted", operator=olivia)
    recorded.save()
    assert "data-call=" not in console(as_olivia)


def test_a_call_just_hung_up_stays_until_it_is_recorded(as_olivia, olivia, zhang):
    call("c-ended", agent=olivia, deputy=zhang, status=CallStatus.ENDED, ago=timedelta(minutes=3))

    assert 'data-call="c-ended"' in console(as_olivia)


def test_todays_lists_refresh_in_place_with_the_new_call_and_order(as_olivia, olivia, zhang):
    page = console(as_olivia)
    assert 'hx-get="/console/today/"' in page and "every 30s" in page
    order = make_order("accepted", operator=olivia, title="桥面破损")
    call("c-new", agent=olivia, deputy=zhang)

    fragment = as_olivia.get("/console/today/").content.decode()

    assert 'id="today"' in fragment and "<html" not in fragment
    assert f'href="/console/orders/{order.number}/"' in fragment and "桥面破损" in fragment
    assert "张三" in fragment and "已接听" in fragment


def test_only_operators_get_todays_lists(client, dan):
    client.force_login(dan)

    assert client.get("/console/today/").status_code == 403


def test_the_calling_deputys_recent_orders_are_links_that_open_read_only(as_olivia, zhang, pbx):
    earlier = make_order(
        "accepted", channel=Channel.DEPUTY_CALL, deputy=zhang, title="村口路面塌陷"
    )  # recorded by another operator: not on Olivia's workbench
    pbx(event="ring", call_id="c-1", to="12345", **{"from": ZHANG_MOBILE})
    intake = as_olivia.get("/console/intake/", {"call": "c-1"}).content.decode()
    anchor = re.search(
        rf'<a href="(/console/deputy-orders/{earlier.number}/[^"]+)"([^>]*)>', intake
    )
    url = anchor.group(1).replace("&amp;", "&")
    logged = PersonalDataAccess.objects.count()

    response = as_olivia.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "村口路面塌陷" in page and "已受理" in page and "只读" in page
    assert 'target="_blank"' in anchor.group(2)  # the intake form stays open in its tab
    assert PersonalDataAccess.objects.count() == logged + 1
    assert "/reveal/" not in page and 'id="actions"' not in page


def test_no_order_opens_without_the_proof_that_its_deputy_is_calling(as_olivia, zhang, pbx):
    other = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=DeputyFactory(name="李四"))
    pbx(event="ring", call_id="c-1", to="12345", **{"from": ZHANG_MOBILE})
    intake = as_olivia.get("/console/intake/", {"call": "c-1"}).content.decode()
    token = intake.split('name="identified" value="', 1)[1].split('"', 1)[0]

    guessed = as_olivia.get(f"/console/deputy-orders/{other.number}/", {"identified": token})
    bare = as_olivia.get(f"/console/deputy-orders/{other.number}/")
    forged = as_olivia.get(f"/console/deputy-orders/{other.number}/", {"identified": "x" * 300})

    assert (guessed.status_code, bare.status_code, forged.status_code) == (404, 404, 404)
