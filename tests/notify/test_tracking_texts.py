"""跟踪督办 texts (issue 9 rule 6): the deputy and the requester are told when an unsolved reply is
tracked, at every progress report, at the done report (asked to confirm) and at the close; the
department's handlers get in-app notices. Every text in its exact words."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.notify.models import OutboxMessage
from minyi.orders.services.tracking import tracking_confirm, tracking_done, tracking_progress
from tests.factories import MONDAY, ZHANG_MOBILE, make_order
from tests.workbench.detail_helpers import deputy_user

pytestmark = pytest.mark.django_db

CITIZEN = "+8613900001111"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def tracked(zhang, hana, carl):
    return make_order(
        "tracking",
        channel="deputy_call",
        deputy=zhang,
        handler=hana,
        agent=carl,
        requester_phone=CITIZEN,
    )


def texts(order, phone, code):
    return list(
        OutboxMessage.objects.filter(order=order, recipient_phone=phone, template_code=code)
        .order_by("id")
        .values_list("body", flat=True)
    )


def notices(order, user, code):
    return list(
        OutboxMessage.objects.filter(order=order, recipient_user=user, template_code=code)
        .order_by("id")
        .values_list("body", flat=True)
    )


def test_the_deputy_and_the_requester_are_told_the_order_is_tracked_with_the_plan(tracked):
    expected = (
        f"您好，您反映的“小区门口占道经营”（工单编号{tracked.number}）暂未解决，已列入跟踪督办，"
        "计划于3月20日前完成：协调市场监管部门设置临时疏导点。办理进展将及时告知您。"
    )
    assert texts(tracked, ZHANG_MOBILE, "tracking_opened") == [expected]
    assert texts(tracked, CITIZEN, "tracking_opened") == [expected]


def test_the_department_is_told_the_order_is_tracked(tracked, hana, henry):
    assert notices(tracked, hana, "tracking_opened_handler") == [
        f"【跟踪督办】工单{tracked.number}“小区门口占道经营”已列入跟踪督办，"
        "请按计划于3月20日前办结，并及时报告进展。"
    ]
    assert not OutboxMessage.objects.filter(order=tracked, recipient_user=henry).exists()


def test_each_progress_report_is_sent_to_the_deputy(tracked, hana):
    tracking_progress(order=tracked, text="疏导点已选址。", actor=hana)
    tracking_progress(order=tracked, text="疏导点正在施工", plan_due=date(2026, 3, 27), actor=hana)

    assert texts(tracked, ZHANG_MOBILE, "tracking_progress") == [
        f"您好，您反映的“小区门口占道经营”（工单编号{tracked.number}）跟踪督办有新进展："
        "疏导点已选址。计划于3月20日前完成。",
        f"您好，您反映的“小区门口占道经营”（工单编号{tracked.number}）跟踪督办有新进展："
        "疏导点正在施工。计划于3月27日前完成。",
    ]
    assert len(texts(tracked, CITIZEN, "tracking_progress")) == 2


def test_a_long_progress_report_is_cut_in_the_sms(tracked, hana):
    tracking_progress(order=tracked, text="进" * 80, actor=hana)

    [body] = texts(tracked, ZHANG_MOBILE, "tracking_progress")
    assert "进" * 60 + "…计划于3月20日前完成。" in body and "进" * 61 not in body


def test_the_done_report_asks_the_deputy_to_confirm_on_their_page_or_by_phone(tracked, hana):
    tracking_done(order=tracked, text="疏导点已建成并投入使用", actor=hana)

    assert texts(tracked, ZHANG_MOBILE, "tracking_done_deputy") == [
        f"您好，您反映的“小区门口占道经营”（工单编号{tracked.number}）承办单位报告已办结："
        "疏导点已建成并投入使用。请登录人大代表工作台确认是否已解决，或致电12345告知。"
    ]
    assert texts(tracked, CITIZEN, "tracking_done") == [
        f"您好，您反映的“小区门口占道经营”（工单编号{tracked.number}）承办单位报告已办结："
        "疏导点已建成并投入使用。12345热线将与您联系确认是否已解决。"
    ]


def test_the_close_is_sent_to_the_deputy_and_the_requester(tracked, hana, zhang):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)
    tracking_confirm(order=tracked, confirmed=True, actor=deputy_user(zhang))

    expected = (
        f"您好，您反映的“小区门口占道经营”（工单编号{tracked.number}）已确认办结，"
        "跟踪督办结束，感谢您的支持。"
    )
    assert texts(tracked, ZHANG_MOBILE, "tracking_closed") == [expected]
    assert texts(tracked, CITIZEN, "tracking_closed") == [expected]


def test_not_done_tells_the_handlers_and_texts_nobody(tracked, hana, carl):
    tracking_done(order=tracked, text="疏导点已建成", actor=hana)
    sms_before = OutboxMessage.objects.filter(order=tracked, channel="sms").count()

    tracking_confirm(order=tracked, confirmed=False, note="摊贩仍在", actor=carl)

    assert notices(tracked, hana, "tracking_reopened_handler") == [
        f"【跟踪督办】工单{tracked.number}“小区门口占道经营”经诉求人确认尚未办结，"
        "已退回继续办理，计划完成时间3月20日。"
    ]
    assert OutboxMessage.objects.filter(order=tracked, channel="sms").count() == sms_before
