"""The console panel's look-up by the caller's number: only once the matter is typed, logged
like a phone search, and a stranger's order shows its number, reason and state only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.intake.services import intake_catch_up
from minyi.privacy.models import PersonalDataAccess, Surface
from tests.factories import MONDAY, make_order

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"
MATTER = {"title": "噪音扰民", "content": "楼下饭店夜里排风机声音很大，影响休息"}


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def _earlier(**fields):
    fields.setdefault("title", "婚姻家庭纠纷求助")
    fields.setdefault("content", "丈夫长期家暴，想咨询如何申请人身安全保护令")
    return make_order("accepted", at=MONDAY - timedelta(days=3), requester_phone=PHONE, **fields)


def _panel(client, phone="13800138000", **matter):
    data = {"requester_phone": phone, **(matter or MATTER)}
    return client.post("/intake/candidates/", data).content.decode()


def test_a_callers_earlier_call_shows_its_number_and_state_but_not_its_matter(client, olivia):
    theirs = _earlier()
    intake_catch_up()
    client.force_login(olivia)

    panel = _panel(client)

    assert theirs.number in panel and "同一来电号码" in panel and "已受理" in panel
    assert "婚姻家庭" not in panel and "家暴" not in panel
    [row] = PersonalDataAccess.objects.all()
    assert row.user == olivia and row.surface == Surface.CONSOLE
    assert "138****8000" in row.subject and "13800138000" not in row.subject


def test_the_panel_refreshing_as_she_types_logs_the_number_once(client, olivia):
    _earlier()
    intake_catch_up()
    client.force_login(olivia)

    _panel(client)
    _panel(client, title="噪音扰民", content="楼下饭店夜里排风机声音很大，影响休息，多次反映")
    assert PersonalDataAccess.objects.count() == 1

    _panel(client, phone="13900139000")
    assert PersonalDataAccess.objects.count() == 2


def test_a_bare_number_is_neither_matched_nor_logged(client, olivia):
    theirs = _earlier()
    intake_catch_up()
    client.force_login(olivia)

    panel = _panel(client, title="噪音", content="")

    assert theirs.number not in panel
    assert not PersonalDataAccess.objects.exists()


def test_the_operator_reads_the_matter_of_a_call_she_recorded_herself(client, olivia):
    mine = _earlier(operator=olivia)
    intake_catch_up()
    client.force_login(olivia)

    panel = _panel(client)

    assert mine.number in panel and "婚姻家庭纠纷求助" in panel


def test_a_junk_message_id_is_a_404(client, lin):
    client.force_login(lin)
    client.raise_request_exception = False

    response = client.post("/intake/messages/99999999999999999999999/candidates/", {})

    assert response.status_code == 404


def test_the_same_matter_from_the_same_number_shows_its_title(client, olivia):
    theirs = _earlier(title="噪音扰民", content="楼下饭店夜里排风机声音很大，影响休息")
    intake_catch_up()
    client.force_login(olivia)

    panel = _panel(client)

    assert theirs.number in panel and "噪音扰民" in panel
