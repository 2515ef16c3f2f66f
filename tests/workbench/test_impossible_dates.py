"""Year 0001 or 9999, or a deadline years away, is a clear 400 at the field — on the ledger,
supervise, redo and extensions, by page and by API — never a 500 later (an extension to 9999
used to be accepted and then fail on approval, when the calendar met the year)."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.models import ExtensionRequest
from minyi.orders.services.handling import extension_request
from tests.factories import MONDAY, at, keyed, lead_of, make_order
from tests.workbench.detail_helpers import detail_url, snapshot
from tests.workbench.lists_helpers import liaison_user

pytestmark = pytest.mark.django_db

FAR = ["9999-12-31T23:59", "0001-01-01T00:00", "2027-03-04T10:00"]  # the last: past the year


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.mark.parametrize(
    "query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=1999-12-31"]
)
def test_the_ledger_refuses_a_date_outside_the_years_it_knows(client, query):
    client.force_login(liaison_user())

    response = client.get(f"/work/ledger/?{query}")

    assert response.status_code == 400
    text = response.content.decode()
    assert "筛选条件有误" in text and "日期须在 2000 年至 2099 年之间" in text


def test_the_ledger_offers_a_date_picker_within_those_years(client):
    client.force_login(liaison_user())

    text = client.get("/work/ledger/").content.decode()

    assert 'min="2000-01-01"' in text and 'max="2099-12-31"' in text


@pytest.mark.parametrize("due", FAR)
def test_supervise_refuses_a_redo_deadline_no_one_could_mean(client, dan, hana, due):
    order = make_order("replied", dispatcher=dan, handler=hana)
    before = snapshot(order)
    client.force_login(dan)

    response = client.post(
        detail_url(order, "supervise"), keyed({"level": "yellow", "note": "加快办理", "due": due})
    )

    assert response.status_code == 400
    assert snapshot(order) == before


@pytest.mark.parametrize("due", FAR)
def test_redo_refuses_a_deadline_no_one_could_mean(client, dan, hana, carl, due):
    order = make_order("callback", dispatcher=dan, handler=hana, agent=carl)
    before = snapshot(order)
    client.force_login(carl)

    response = client.post(detail_url(order, "redo"), keyed({"note": "代表不满意", "due": due}))

    assert response.status_code == 400
    assert snapshot(order) == before


def test_a_deadline_within_the_year_is_still_taken(client, dan, hana, carl):
    order = make_order("callback", dispatcher=dan, handler=hana, agent=carl)
    client.force_login(carl)

    response = client.post(
        detail_url(order, "redo"), keyed({"note": "代表不满意", "due": "2026-04-30T18:00"})
    )

    assert response.status_code == 302
    assert lead_of(order).reply_due == at(2026, 4, 30, 18)


def test_an_extension_to_year_9999_is_refused_when_asked(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    client.force_login(hana)

    response = client.post(
        detail_url(order, "extend"),
        keyed({"requested_due": "9999-12-31T23:59", "reason": "等检测报告"}),
    )

    assert response.status_code == 400
    assert "一年之内" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_the_api_refuses_an_extension_to_year_9999_with_the_field_named(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    client.force_login(hana)

    response = client.post(
        f"/api/orders/{order.number}/actions/extend/",
        {"requested_due": "9999-12-31T23:59", "reason": "等检测报告"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "requested_due" in response.json()["fields"]


def test_approving_at_year_9999_is_refused_and_the_request_stays_pending(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    request = extension_request(
        assignment=lead_of(order),
        requested_due=at(2026, 3, 20, 18),
        reason="等检测报告",
        actor=hana,
    )
    client.force_login(dan)

    response = client.post(
        detail_url(order, "extension-approve"),
        keyed({"request": request.pk, "approved_due": "9999-12-31T23:59"}),
    )

    assert response.status_code == 400
    request.refresh_from_db()
    assert request.ruling == ExtensionRequest.Ruling.PENDING


def test_an_extension_stored_at_year_9999_is_refused_on_approval_not_a_500(client, dan, hana):
    """A request saved before this check existed: the service refuses it with a message."""
    order = make_order("signed", dispatcher=dan, handler=hana)
    request = extension_request(
        assignment=lead_of(order),
        requested_due=at(2026, 3, 20, 18),
        reason="等检测报告",
        actor=hana,
    )
    ExtensionRequest.objects.filter(pk=request.pk).update(requested_due=at(9999, 12, 31, 23, 59))
    client.force_login(dan)

    response = client.post(detail_url(order, "extension-approve"), keyed({"request": request.pk}))

    assert response.status_code == 400
    assert "批准延至的时间须在 2000 年至 2099 年之间" in response.content.decode()


def test_a_plan_date_in_year_1_is_refused(client, dan, hana):
    order = make_order("signed", dispatcher=dan, handler=hana)
    client.force_login(hana)

    response = client.post(
        detail_url(order, "reply"),
        keyed(
            {
                "content": "正在协调",
                "method": "phone",
                "solved": "partly",
                "plan": "下月完工",
                "plan_due": "0001-01-01",
            }
        ),
    )

    assert response.status_code == 400
    assert "日期须在 2000 年至 2099 年之间" in response.content.decode()
