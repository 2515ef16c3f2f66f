"""Review findings (privacy): a whistle-blowing deputy reaches the department through a suggestion."""

from __future__ import annotations

import pytest

from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel, WorkOrder
from minyi.privacy.rules import WHISTLEBLOWER_LABEL
from minyi.suggestions.models import Suggestion
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_escalate,
    suggestion_resubmit,
    suggestion_return,
)
from tests.factories import MONDAY, keyed, make_order, request_type

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


def _report(deputy=None, **fields):
    fields.setdefault("title", "化工厂夜间排污")
    if deputy is not None:
        fields.update(channel=Channel.DEPUTY_CALL, deputy=deputy)
    order = make_order("accepted", **fields)
    WorkOrder.objects.filter(pk=order.pk).update(
        request_type=request_type("report"), protect_identity=True
    )
    order.refresh_from_db()
    return order


def test_a_department_reads_no_deputy_who_acted_on_or_signed_an_escalated_report(
    client, lin, dan, hana, dept_a, wang, zhao
):
    suggestion = suggestion_escalate(order=_report(wang.deputy), note="涉及面广", actor=dan)
    suggestion_return(suggestion=suggestion, actor=lin, reason="请补充依据")
    suggestion_resubmit(
        suggestion=suggestion, actor=wang, title="化工厂夜间排污", content="补充：已持续半年。"
    )
    suggestion.cosigners.add(zhao.deputy)
    suggestion_accept(suggestion=suggestion, actor=lin)
    suggestion_assign(suggestion=suggestion, actor=lin, lead_department=dept_a)
    client.force_login(hana)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    assert "补充：已持续半年。" in page and WHISTLEBLOWER_LABEL in page
    for name in (wang.deputy.name, wang.get_full_name(), zhao.deputy.name):
        assert name not in page


def test_the_reporting_deputy_and_the_committee_still_read_the_deputies(
    client, lin, dan, hana, dept_a, wang
):
    suggestion = suggestion_escalate(order=_report(wang.deputy), note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin)

    client.force_login(wang)
    mine = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()
    client.force_login(lin)
    listed = client.get("/work/suggestions/?state=accepted").content.decode()
    ledger = client.get("/work/suggestions/ledger/").content.decode()

    assert f"领衔代表：{wang.deputy.name}" in mine
    assert wang.deputy.name in listed and wang.deputy.name in ledger


def test_a_departments_notice_names_no_reporting_deputy(lin, dan, hana, dept_a, wang):
    order = _report(wang.deputy, title=f"{wang.deputy.name}反映化工厂夜间排污")
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin)
    suggestion_assign(suggestion=suggestion, actor=lin, lead_department=dept_a)

    notice = OutboxMessage.objects.get(
        template_code="suggestion_assigned_handler", recipient_user=hana
    )

    assert "化工厂夜间排污" in notice.body and wang.deputy.name not in notice.body


def test_another_deputys_sms_reads_a_report_cut_and_numbers_masked(lin, dan, wang):
    order = _report(requester_name="谭萍", title="谭萍举报偷排 13912345678")
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=wang.deputy)

    sms = OutboxMessage.objects.get(template_code="suggestion_accepted")

    assert "谭萍" not in sms.body and "13912345678" not in sms.body
    assert "举报偷排" in sms.body


def test_a_deputy_given_an_anonymous_requesters_order_reads_no_name_and_masked_numbers(
    client, lin, dan, wang
):
    order = make_order(
        "accepted",
        is_anonymous=True,
        requester_name="谭萍",
        title="谭萍反映路灯不亮",
        content="我是谭萍，邻居电话13712345678也可作证。",
    )
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=wang.deputy)
    client.force_login(wang)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    assert "路灯不亮" in page and "137****5678" in page
    assert "谭萍" not in page and "13712345678" not in page


def test_a_deputy_given_an_ordinary_order_reads_typed_numbers_masked(client, lin, dan, wang):
    order = make_order("accepted", content="楼道堆物，物业电话13712345678不接。")
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=wang.deputy)
    client.force_login(wang)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    assert "137****5678" in page and "13712345678" not in page


def test_a_returned_report_resubmitted_unchanged_keeps_what_the_deputy_did_not_read(
    client, lin, dan, wang
):
    order = _report(requester_name="谭萍", title="谭萍举报化工厂偷排", content="谭萍举报该厂。")
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    # a lead deputy who is not the order's (the review names one only when it accepts: set here)
    Suggestion.objects.filter(pk=suggestion.pk).update(lead_deputy=wang.deputy)
    suggestion.refresh_from_db()
    suggestion_return(suggestion=suggestion, actor=lin, reason="请补充")
    client.force_login(wang)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()
    assert "谭萍" not in page and 'id="resubmit"' in page
    client.post(
        f"/work/suggestions/{suggestion.pk}/resubmit/",
        keyed(title="〔保密〕举报化工厂偷排", content="〔保密〕举报该厂。"),
    )

    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert suggestion.title == "谭萍举报化工厂偷排" and suggestion.content == "谭萍举报该厂。"


def test_the_committee_reads_the_lead_deputy_it_chose_but_not_an_anonymous_callers_deputy(
    client, lin, dan, wang, zhao
):
    order = make_order("accepted", channel=Channel.DEPUTY_CALL, deputy=zhao.deputy)
    WorkOrder.objects.filter(pk=order.pk).update(is_anonymous=True)
    order.refresh_from_db()
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=wang.deputy)
    client.force_login(lin)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    assert f"领衔代表：{wang.deputy.name}" in page and zhao.deputy.name not in page
