"""Review findings (privacy): a whistle-blowing deputy reaches the department through a suggestion."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.orders.models import Channel, WorkOrder
from minyi.suggestions.services import suggestion_accept, suggestion_assign, suggestion_escalate
from tests.factories import MONDAY, make_order, request_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def test_a_department_never_reads_the_reporting_deputy_on_an_escalated_report(
    client, lin, dan, hana, dept_a, deputy
):
    order = make_order(
        "accepted", channel=Channel.DEPUTY_CALL, deputy=deputy, title="化工厂夜间排污"
    )
    WorkOrder.objects.filter(pk=order.pk).update(
        request_type=request_type("report"), protect_identity=True
    )
    order.refresh_from_db()
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin)
    suggestion_assign(suggestion=suggestion, actor=lin, lead_department=dept_a)
    client.force_login(hana)

    listed = client.get("/work/suggestions/department/").content.decode()
    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    assert "化工厂夜间排污" in page
    assert deputy.name not in listed
    assert deputy.name not in page


def test_a_deputy_given_an_escalated_report_does_not_read_the_reporter(client, lin, dan, wang):
    order = make_order(
        "accepted",
        requester_name="谭萍",
        title="谭萍举报化工厂夜间排污",
        content="我是谭萍，住化工厂隔壁，电话13912345678，举报该厂夜间偷排。",
    )
    WorkOrder.objects.filter(pk=order.pk).update(
        request_type=request_type("report"), protect_identity=True
    )
    order.refresh_from_db()
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=wang.deputy)
    client.force_login(wang)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()
    mine = client.get("/work/suggestions/mine/").content.decode()

    assert "谭萍" not in page and "13912345678" not in page
    assert "谭萍" not in mine
