"""An operator's console pops up a calling deputy live, and the call becomes an order."""

from __future__ import annotations

import io
import json
import urllib.request

import pytest

from minyi.orders.models import Status, WorkOrder
from tests.browser.people import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def _ring(base: str, token: str, call_id: str, caller: str) -> None:
    body = json.dumps({"event": "ring", "call_id": call_id, "from": caller, "to": "12345"}).encode()
    request = urllib.request.Request(
        f"{base}/api/cti/events",
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_a_demo_deputy_rings_pops_up_and_the_call_becomes_an_accepted_order(
    asgi_server, page, pbx_token
):
    from django.core.management import call_command

    from minyi.accounts.models import User
    from minyi.calls.lookup import deputy_card

    call_command("demo", orders=0, stdout=io.StringIO())
    deputy = User.objects.get(username="deputy").deputy
    number = deputy.phones.first().number
    card = deputy_card(deputy.pk)
    assert "(" in card.banner  # the demo's provincial deputy sits in several congresses

    sign_in(page, asgi_server, "operator", "Shaoshan-2026")
    page.goto(f"{asgi_server}/console/")
    page.wait_for_selector("#console[data-live='1']")  # the event stream is connected

    # How fast the pop comes is the bench's (bench/callers.py, the webhook's p99; bench/busy_hour.py,
    # every ring seen by every console): a wall-clock bound here would only measure the CI machine.
    _ring(asgi_server, pbx_token, "call-1", "0" + number.removeprefix("+86"))  # with a trunk 0
    page.wait_for_selector("#banner.deputy")

    assert page.inner_text("#banner-text") == card.banner
    assert page.inner_text("#greeting") == (
        f"欢迎您，{deputy.name}代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？"
    )

    page.keyboard.press("F2")
    page.wait_for_selector("#intake-form")
    assert page.input_value("#id_requester_name") == deputy.name
    assert page.input_value("#id_requester_phone") == number
    page.fill("#id_title", "银田镇村道路灯不亮")
    page.fill("#id_content", "银田镇某村主干道路灯已坏一周，夜间出行不便。")
    page.click("#save-order")
    page.wait_for_url("**/console/orders/*/")

    order = WorkOrder.objects.get(title="银田镇村道路灯不亮")
    assert (order.status, order.deputy, order.channel) == (Status.ACCEPTED, deputy, "deputy_call")
    assert order.calls.get().call_id == "call-1"
    assert "已受理工单" in page.content()

    page.goto(f"{asgi_server}/console/")
    assert order.number in page.inner_text("#my-orders")
    assert deputy.name in page.inner_text("#calls-today")


def test_an_unknown_caller_shows_a_citizen_call(asgi_server, page, zhang, pbx_token):
    user = UserFactory(username="olivia", role="operator")
    user.set_password("correct-horse-42")
    user.save()
    sign_in(page, asgi_server, "olivia")
    page.goto(f"{asgi_server}/console/")
    page.wait_for_selector("#console[data-live='1']")

    _ring(asgi_server, pbx_token, "call-2", "13912345678")

    page.wait_for_selector("#banner.citizen:has-text('群众来电')")
    assert "人大代表" not in page.inner_text("#caller")


def test_a_number_looked_up_by_hand_never_stands_in_a_url(asgi_server, page, zhang):
    from minyi.orders.models import Channel
    from minyi.privacy.models import PersonalDataAccess
    from tests.factories import make_order

    earlier = make_order(
        "accepted", channel=Channel.DEPUTY_CALL, deputy=zhang, title="村口路面塌陷"
    )
    user = UserFactory(username="olivia", role="operator")
    user.set_password("correct-horse-42")
    user.save()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    sign_in(page, asgi_server, "olivia")
    page.goto(f"{asgi_server}/console/")

    page.fill("#lookup-phone", "138 0013 8000")
    page.click("button:text-is('查询')")
    page.wait_for_selector("#banner.deputy")
    page.click("#open-intake")
    page.wait_for_selector("#intake-form")

    assert page.input_value("#id_requester_phone") == "138 0013 8000"
    assert page.input_value("#id_requester_name") == "张三"
    assert earlier.number in page.inner_text("#deputy-recent")
    assert not [url for url in urls if "13800138000" in url or "0013" in url]
    assert PersonalDataAccess.objects.get().fields == "代表近期工单"
