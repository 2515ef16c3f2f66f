"""查看完整信息: when a department may still see the requester in full, and that every full view
— on the page or through the API — is one row in the access log, written by the service."""

from __future__ import annotations

import pytest

from minyi.orders.models import AssignmentStatus
from minyi.orders.services.dispatch import return_accept
from minyi.privacy.models import PersonalDataAccess, Surface
from tests.factories import lead_of, make_order

pytestmark = pytest.mark.django_db


def reveal_page(client, order):
    return client.post(f"/work/orders/{order.number}/reveal/", REMOTE_ADDR="10.0.0.7")


def reveal_api(client, order):
    return client.post(f"/api/orders/{order.number}/reveal/", REMOTE_ADDR="10.0.0.8")


@pytest.mark.parametrize("state", ["dispatched", "signed", "replied"])
def test_the_handler_reveals_while_the_order_is_open_and_their_part_live(client, hana, dan, state):
    order = make_order(state, handler=hana, dispatcher=dan, requester_phone="+8613812345678")
    client.force_login(hana)

    assert reveal_page(client, order).status_code == 200
    assert PersonalDataAccess.objects.filter(user=hana, order=order).count() == 1


def test_the_handler_cannot_reveal_once_the_order_is_closed(client, hana, dan, carl):
    archived = make_order("archived", handler=hana, dispatcher=dan, agent=carl)
    client.force_login(hana)

    page = client.get(f"/work/orders/{archived.number}/").content.decode()

    assert "查看完整信息" not in page
    assert reveal_page(client, archived).status_code == 403
    assert reveal_api(client, archived).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_handler_cannot_reveal_once_their_part_has_ended(client, hana, dan, dept_b):
    order = make_order("returned", handler=hana, dispatcher=dan)
    request = lead_of(order).return_requests.get()
    return_accept(request=request, note="同意", redispatch_to=dept_b, actor=dan)
    assert order.assignments.get(department=hana.department).status == AssignmentStatus.RETURNED
    client.force_login(hana)

    assert client.get(f"/work/orders/{order.number}/").status_code == 200  # still visible
    assert reveal_page(client, order).status_code == 403
    assert reveal_api(client, order).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_page_reveal_is_logged_as_seen_on_the_workbench(client, dan):
    order = make_order("accepted", requester_name="张小三", requester_phone="+8613812345678")
    client.force_login(dan)

    response = reveal_page(client, order)

    assert response.status_code == 200 and "13812345678" in response.content.decode()
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.order, row.surface, row.ip) == (dan, order, Surface.WORKBENCH, "10.0.0.7")
    assert row.fields == "诉求人姓名、联系电话"


def test_the_api_reveal_returns_the_full_requester_and_is_logged_as_seen_through_the_api(
    client, dan
):
    order = make_order("accepted", requester_name="张小三", requester_phone="+8613812345678")
    client.force_login(dan)

    response = reveal_api(client, order)

    assert response.status_code == 200
    assert response.json()["requester"] == {
        "shown": "full",
        "label": "张小三",
        "name": "张小三",
        "phone": "13812345678",
        "deputy": None,
    }
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.order, row.surface, row.ip) == (dan, order, Surface.API, "10.0.0.8")


def test_the_api_reveal_of_an_order_the_user_cannot_see_is_a_404(client, henry, hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    client.force_login(henry)

    response = reveal_api(client, order)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not PersonalDataAccess.objects.exists()


def test_the_api_reveal_needs_a_signed_in_user(client):
    order = make_order("accepted")

    assert reveal_api(client, order).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_every_api_read_shows_the_same_requester_as_the_page(client, dan):
    order = make_order("accepted", requester_name="张小三", requester_phone="+8613812345678")
    client.force_login(dan)

    listed = client.get("/api/orders/").json()["results"][0]["requester"]
    detail = client.get(f"/api/orders/{order.number}/").json()["requester"]

    assert (
        listed
        == detail
        == {
            "shown": "masked",
            "label": "张*三",
            "name": "张*三",
            "phone": "138****5678",
            "deputy": None,
        }
    )
