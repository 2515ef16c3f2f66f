"""The station staff role (联络站工作人员): created by the system administrator with a station,
lands on the messages, sees no work order anywhere (the privacy rule and the order visibility
fail closed for it), and is no administrator."""

from __future__ import annotations

import pytest

from minyi.accounts import duties
from minyi.accounts.models import Role, User
from minyi.orders.selectors import orders_visible_to
from minyi.privacy.rules import Shown, may_reveal, requester_shown
from tests.factories import make_order
from tests.logins import sign_in
from tests.mashang.helpers import station, station_staff

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/user/add/"


@pytest.fixture
def sally():
    return station_staff(station())


def test_the_system_administrator_creates_station_staff_with_their_station(admin_client):
    yintian = station()

    response = admin_client.post(
        ADD,
        {
            "username": "sunsha",
            "last_name": "孙",
            "first_name": "莎",
            "role": Role.STATION,
            "station": yintian.pk,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="sunsha")
    assert (user.role, user.station) == (Role.STATION, yintian)


def test_station_staff_without_a_station_are_refused_in_chinese(admin_client):
    response = admin_client.post(ADD, {"username": "sunsha", "role": Role.STATION})

    assert response.status_code == 200
    assert "联络站工作人员必须属于一个联络站" in response.content.decode()
    assert not User.objects.filter(username="sunsha").exists()


def test_the_user_form_offers_the_station(admin_client, sally):
    page = admin_client.get(f"/admin/accounts/user/{sally.pk}/change/").content.decode()

    assert "所属联络站" in page and sally.station.name in page


def test_station_staff_see_no_order_and_nothing_of_a_requester(sally):
    order = make_order("accepted")

    assert not orders_visible_to(sally).exists()
    shown = requester_shown(sally, order)
    assert shown.shown == Shown.WITHHELD and shown.phone == "" and shown.name == ""
    assert may_reveal(sally, order) is False


def test_station_staff_open_no_order_page_list_search_or_api(client, sally):
    order = make_order("accepted")
    sign_in(client, sally)

    assert client.get(f"/work/orders/{order.number}/").status_code in (403, 404)
    assert client.get("/work/search/").status_code == 403
    assert client.get("/work/ledger/").status_code == 403
    assert client.get(f"/api/orders/{order.number}/").status_code in (403, 404)
    listed = client.get("/api/orders/")
    assert listed.status_code == 403 or listed.json().get("results") == []


def test_station_staff_land_on_the_messages_and_have_no_admin(client, sally):
    sign_in(client, sally)

    assert client.get("/")["Location"] == "/work/messages/"
    assert client.get("/work/")["Location"] == "/work/messages/"
    assert duties.duties_of(sally) == {}
    assert client.get("/admin/").status_code in (302, 403)


def test_the_header_links_the_station_pages_and_no_order_search(client, sally):
    sign_in(client, sally)

    page = client.get("/work/messages/deputies/").content.decode()

    assert 'href="/work/messages/"' in page and "响应情况" in page
    assert "查询工单" not in page


def test_the_system_administrator_moves_station_staff_to_another_station(admin_client, sally):
    from minyi.accounts.models import AccountEvent

    other = station("韶山市联络站")
    data = {
        "last_name": sally.last_name,
        "first_name": sally.first_name,
        "role": Role.STATION,
        "station": other.pk,
        "is_active": "on",
        "new_phone": "",
    }

    response = admin_client.post(f"/admin/accounts/user/{sally.pk}/change/", data)

    assert response.status_code == 302
    sally.refresh_from_db()
    assert sally.station == other
    changed = AccountEvent.objects.get(user=sally, kind="user_changed")
    assert changed.details == {"fields": ["station"]}


@pytest.mark.parametrize("role", ["station", "liaison", "deputy"])
def test_the_header_names_the_message_inbox_once_for_each_role_that_has_it(client, sally, role):
    from tests.factories import DeputyFactory
    from tests.mashang.helpers import deputy_account, liaison_officer

    user = {
        "station": lambda: sally,
        "liaison": liaison_officer,
        "deputy": lambda: deputy_account(DeputyFactory()),
    }[role]()
    sign_in(client, user)

    page = client.get("/work/messages/").content.decode()
    nav = page[page.index("<nav>") : page.index("</nav>")]

    assert nav.count("选民留言") == 1
