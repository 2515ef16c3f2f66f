"""跟踪督办 on the workbench (issue 9 rule 6): the department's tab by plan date with the overdue in
red, the hotline's lists (the callback agent's 待确认办结 to-do, counted in the header), the
tracking card and its forms on the order page, and the deputy's confirm button on their card."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.core import clock
from minyi.orders.models import Status, Tracking, TrackingState, WorkOrder
from minyi.orders.services.tracking import tracking_done, tracking_progress
from tests.factories import MONDAY, at, keyed, make_order
from tests.workbench.detail_helpers import deputy_user, detail_url
from tests.workbench.lists_helpers import numbers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def tracked(hana, carl, plan_due=None, **fields):
    order = make_order("tracking", handler=hana, agent=carl, **fields)
    if plan_due:
        Tracking.objects.filter(order=order).update(plan_due=plan_due)
    return order


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_department_tab_lists_its_tracked_orders_by_plan_date(client, hana, carl):
    later = tracked(hana, carl, plan_due=date(2026, 3, 27))
    sooner = tracked(hana, carl, plan_due=date(2026, 3, 10))

    response = page(client, hana, "/work/department/?tab=tracking")

    assert numbers(response) == [sooner.number, later.number]
    html = response.content.decode()
    assert "跟踪督办 · 办理中" in html and "计划 2026-03-10" in html
    assert "按计划完成时间排序" in html


def test_an_overdue_plan_is_red_on_the_department_tab(client, hana, carl):
    order = tracked(hana, carl)
    with clock.frozen(at(2026, 3, 23, 9)):
        html = page(client, hana, "/work/department/?tab=tracking").content.decode()

    assert order.number in html
    assert '<span class="plan-due overdue">计划 2026-03-20</span>' in html
    assert '<span class="badge red">已逾期</span>' in html


def test_another_department_does_not_see_the_tracking(client, hana, henry, carl):
    tracked(hana, carl)

    assert numbers(page(client, henry, "/work/department/?tab=tracking")) == []


def test_the_dispatcher_sees_every_tracked_order(client, hana, henry, carl, dan):
    mine = tracked(hana, carl)
    other = tracked(henry, carl, plan_due=date(2026, 3, 25))

    assert numbers(page(client, dan, "/work/dispatch/?tab=tracking")) == [
        mine.number,
        other.number,
    ]


def test_the_callback_agent_has_the_orders_waiting_for_confirmation_to_do(client, hana, carl):
    waiting = tracked(hana, carl)
    handling = tracked(hana, carl)
    tracking_done(order=waiting, text="已建成", actor=hana)

    response = page(client, carl, "/work/callback/?tab=confirming")

    assert numbers(response) == [waiting.number]
    html = response.content.decode()
    assert 'href="/work/callback/?tab=confirming">待确认办结 <span class="count">1</span>' in html
    assert numbers(page(client, carl, "/work/callback/?tab=tracking")) == [
        waiting.number,
        handling.number,
    ]


def test_the_order_page_shows_the_tracking_and_the_departments_forms(client, hana, carl):
    order = tracked(hana, carl)

    html = page(client, hana, detail_url(order)).content.decode()

    assert "跟踪督办（办理中）" in html and "协调市场监管部门设置临时疏导点" in html
    assert 'id="do-tracking-progress"' in html and 'id="do-tracking-done"' in html
    assert 'id="do-tracking-confirm"' not in html


def test_the_department_reports_progress_on_the_page(client, hana, carl):
    order = tracked(hana, carl)
    client.force_login(hana)

    response = client.post(
        detail_url(order, "tracking-progress"), keyed({"text": "已选址", "plan_due": "2026-03-27"})
    )

    assert response.status_code == 302
    assert Tracking.objects.get(order=order).plan_due == date(2026, 3, 27)
    html = client.get(response["Location"]).content.decode()
    assert "已报告进展" in html and "跟踪督办进展" in html and "已选址" in html


def test_progress_without_text_is_refused_with_a_message_not_an_error(client, hana, carl):
    order = tracked(hana, carl)
    client.force_login(hana)

    response = client.post(
        detail_url(order, "tracking-progress"), keyed({"text": "", "plan_due": "x"})
    )

    assert response.status_code == 400
    assert Tracking.objects.get(order=order).plan_due == date(2026, 3, 20)


def test_the_callback_agent_confirms_by_phone_on_the_page(client, hana, carl):
    order = tracked(hana, carl)
    tracking_done(order=order, text="已建成", actor=hana)
    client.force_login(carl)

    response = client.post(
        detail_url(order, "tracking-confirm"),
        keyed({"confirmed": "no", "note": "诉求人称摊贩仍在"}),
    )

    assert response.status_code == 302
    assert Tracking.objects.get(order=order).state == TrackingState.HANDLING


@pytest.fixture
def deputy_order(zhang, hana, carl):
    order = make_order("tracking", channel="deputy_call", deputy=zhang, handler=hana, agent=carl)
    tracking_progress(order=order, text="疏导点已选址", actor=hana)
    tracking_done(order=order, text="疏导点已建成并投入使用", actor=hana)
    return order


def test_the_deputy_card_shows_the_tracking_and_a_confirm_button(client, zhang, deputy_order):
    zora = deputy_user(zhang)

    html = page(client, zora, "/work/mine/").content.decode()

    assert "待您确认办结" in html
    assert '跟踪督办：计划 <span class="nowrap">2026-03-20</span> 前完成' in html
    assert f'action="/work/orders/{deputy_order.number}/tracking-confirm/"' in html
    assert "确认已办结" in html and "尚未办结，说明情况" in html


def test_the_deputy_confirms_from_the_card_and_the_order_is_archived(client, zhang, deputy_order):
    client.force_login(deputy_user(zhang))

    response = client.post(
        detail_url(deputy_order, "tracking-confirm"), keyed({"confirmed": "yes"})
    )

    assert response.status_code == 302
    assert WorkOrder.objects.get(pk=deputy_order.pk).status == Status.ARCHIVED
    html = client.get(response["Location"]).content.decode()
    assert "已确认办结" in html and "跟踪督办（已办结）" in html


def test_the_deputy_page_shows_the_progress_and_the_confirm_form(client, zhang, deputy_order):
    html = page(client, deputy_user(zhang), detail_url(deputy_order)).content.decode()

    assert "疏导点已选址" in html and "疏导点已建成并投入使用" in html
    assert 'id="action-tracking-confirm"' in html and "已办结，问题已解决" in html
    form = html.split('id="action-tracking-confirm"', 1)[1].split("</form>", 1)[0]
    assert "checked" not in form


def test_the_json_api_reports_done_like_the_page(client, hana, carl):
    order = tracked(hana, carl)
    client.force_login(hana)

    response = client.post(
        f"/api/orders/{order.number}/actions/tracking-done/",
        data={"text": "疏导点已建成"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert Tracking.objects.get(order=order).state == TrackingState.CONFIRMING


def test_a_supervised_order_once_tracked_leaves_the_supervision_board(client, hana, carl, dan):
    order = tracked(hana, carl)
    WorkOrder.objects.filter(pk=order.pk).update(supervision="yellow")

    assert order.number not in numbers(page(client, dan, "/work/dispatch/?tab=supervision"))
    assert numbers(page(client, dan, "/work/dispatch/?tab=tracking")) == [order.number]


def test_only_the_tracking_department_may_reveal_the_requester(hana, henry, carl, dept_b):
    from minyi.orders.models import ReplyMethod, Satisfaction, Solved
    from minyi.orders.services.closing import order_archive, order_callback
    from minyi.orders.services.dispatch import assignment_sign
    from minyi.orders.services.handling import assignment_reply
    from minyi.privacy import rules
    from tests.factories import TRACKING_PLAN, assisting_of, lead_of

    order = make_order("signed", handler=hana, assisting=[dept_b])
    [helper] = assisting_of(order)
    assignment_sign(assignment=helper, actor=henry)
    for part, who, solved, plan in (
        (helper, henry, Solved.SOLVED, {}),
        (lead_of(order), hana, Solved.NOT_YET, TRACKING_PLAN),
    ):
        assignment_reply(
            assignment=part,
            content="已办理",
            method=ReplyMethod.PHONE,
            solved=solved,
            actor=who,
            **plan,
        )
    order_callback(order=order, satisfaction=Satisfaction.SATISFIED, solved=False, actor=carl)
    order = order_archive(order=order, actor=carl)

    assert order.status == Status.TRACKING
    assert rules.may_reveal(hana, order)
    assert not rules.may_reveal(henry, order)  # an assisting part that replied: done
