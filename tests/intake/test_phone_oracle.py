"""Review: the duplicate panel is an unlogged look-up of any number's orders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.core import clock
from minyi.intake.services import intake_catch_up
from minyi.privacy.models import PersonalDataAccess
from tests.factories import MONDAY, make_order

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def test_an_operator_cannot_look_up_a_number_unlogged_through_the_duplicate_panel(client, olivia):
    theirs = make_order(
        "accepted",
        at=MONDAY - timedelta(days=3),
        requester_phone=PHONE,
        title="婚姻家庭纠纷求助",
        content="丈夫长期家暴，想咨询如何申请人身安全保护令",
    )
    intake_catch_up()
    client.force_login(olivia)

    # the search page's phone look-up finds nothing for her (orders she did not record) and logs
    searched = client.post("/work/search/", {"phone": "13800138000"}).content.decode()
    assert theirs.number not in searched
    logged = PersonalDataAccess.objects.count()

    panel = client.post("/intake/candidates/", {"requester_phone": "13800138000"}).content.decode()

    assert theirs.number not in panel or PersonalDataAccess.objects.count() > logged, panel


def test_the_liaison_officer_does_not_find_a_citizens_calls_by_their_number(client, lin):
    from minyi.mashang.models import Holder
    from tests.factories import MessageFactory

    call = make_order(
        "accepted",
        at=MONDAY - timedelta(days=3),
        requester_phone=PHONE,
        title="婚姻家庭纠纷求助",
        content="丈夫长期家暴，想咨询如何申请人身安全保护令",
    )
    intake_catch_up()
    message = MessageFactory(phone=PHONE, holder=Holder.LIAISON, content="建议增加公交班次")
    client.force_login(lin)

    panel = client.post(f"/intake/messages/{message.pk}/candidates/", {"title": ""})

    assert panel.status_code == 200
    assert call.number not in panel.content.decode()
