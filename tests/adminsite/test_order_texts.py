"""An order's free text in the admin — its title, content, address, the ledger's notes and data —
is shown as the privacy rule lets the administrator who looks read it. The audit
administrator is outside the hotline: a note naming an anonymous requester reaches them cut,
while the system administrator (inside it) reads it as written."""

from __future__ import annotations

import pytest

from minyi.orders.models import EventKind, OrderEvent
from minyi.orders.services.common import record_event
from tests.factories import make_order
from tests.logins import verified_login

pytestmark = pytest.mark.django_db

NAME, PHONE = "吕秀兰", "+8613911112222"


@pytest.fixture
def anonymous_order(olivia, dan):
    order = make_order(
        "accepted",
        requester_name=NAME,
        requester_phone=PHONE,
        is_anonymous=True,
        title=f"{NAME}反映小区噪声",
        operator=olivia,
    )
    record_event(
        order, EventKind.ATTACHMENT_ADDED, actor=dan, note=f"已与{NAME}（13911112222）核实"
    )
    return order


def _event_page(client, order) -> str:
    event = OrderEvent.objects.filter(order=order, note__contains="核实").get()
    response = client.get(f"/admin/orders/orderevent/{event.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_auditor_reads_an_anonymous_requesters_name_cut_from_notes_and_titles(
    client, audrey, anonymous_order
):
    verified_login(client, audrey)

    page = _event_page(client, anonymous_order)
    listing = client.get("/admin/orders/orderevent/").content.decode()

    for text in (page, listing):
        assert NAME not in text and "13911112222" not in text
    assert "已与〔保密〕（〔保密〕）核实" in page
    assert "〔保密〕反映小区噪声" in listing


def test_the_system_administrator_reads_them_as_written_and_the_requester_masked(
    client, ada, anonymous_order
):
    verified_login(client, ada)

    order_page = client.get(f"/admin/orders/workorder/{anonymous_order.pk}/change/")
    text = order_page.content.decode()

    assert order_page.status_code == 200
    assert f"{NAME}反映小区噪声" in text  # the hotline's own text, for the hotline's admin
    assert "13911112222" not in text  # the requester's number only through the logged reveal


def test_an_order_shown_to_nobody_in_particular_is_withheld():
    from minyi.orders.admin import WorkOrderAdmin

    order = make_order("accepted", requester_name=NAME, is_anonymous=True, title=f"{NAME}来电")
    shown = WorkOrderAdmin.title_shown(None, order)  # no admin_viewer set: nobody

    assert shown == "〔保密〕来电"
