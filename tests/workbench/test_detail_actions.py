"""Every action of the detail page, through its POST: the service runs and the page says so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minyi.core import clock
from minyi.orders.models import AssignmentStatus, EventKind, ExtensionRequest, ReturnRequest, Status
from minyi.orders.services.handling import extension_request
from tests.factories import MONDAY, keyed, lead_of, make_order, scope_reason
from tests.workbench.detail_helpers import detail_url, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


def post(client, user, order, action, data=None):
    client.force_login(user)
    return client.post(detail_url(order, action), keyed(data))


def fresh(order):
    return type(order).objects.get(pk=order.pk)


def assert_done(response, order, status, kind):
    assert response.status_code == 302
    # back to the page, which shows the order's new state (the callback agent's too: what
    # they archived or sent back stays theirs to see, 我已处理)
    assert response["Location"] == detail_url(order)
    assert fresh(order).status == status
    assert order.events.exclude(kind=EventKind.WARNING).order_by("-at", "-id").first().kind == kind


# -- dispatcher --------------------------------------------------------------------------------


def test_the_dispatcher_dispatches_to_a_lead_and_an_assisting_department(
    client, dan, dept_a, dept_b
):
    order = make_order("accepted")

    response = post(client, dan, order, "dispatch", {"lead": dept_a.pk, "assisting": [dept_b.pk]})

    assert_done(response, order, Status.DISPATCHED, EventKind.DISPATCHED)
    assert order.assignments.count() == 2
    follow = client.get(response["Location"]).content.decode()
    assert "已派至 市城市管理和综合执法局" in follow


def test_a_refused_dispatch_shows_the_chinese_reason_with_400(client, dan, dept_a):
    order = make_order("accepted")
    before = snapshot(order)

    response = post(client, dan, order, "dispatch", {"lead": dept_a.pk, "assisting": [dept_a.pk]})

    assert response.status_code == 400
    assert "主办单位不能同时是协办单位" in response.content.decode()
    assert snapshot(order) == before


def _errors(html: str) -> list[str]:
    """Every error the page prints: the messages at the top and the forms' error lists."""
    top = re.findall(r'<li class="error">(.*?)</li>', html)
    return top + re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)


def test_a_refused_action_prints_its_reason_once_in_its_form_which_takes_the_focus(
    client, dan, dept_a
):
    order = make_order("accepted")

    response = post(client, dan, order, "dispatch", {"lead": dept_a.pk, "assisting": [dept_a.pk]})

    html = response.content.decode()
    assert _errors(html) == ["<li>主办单位不能同时是协办单位。</li>"]
    form = html[html.index('id="action-dispatch"') :]
    assert "主办单位不能同时是协办单位" in form[: form.index("</form>")]
    assert html.count("autofocus") == 1 and 'name="lead"' in html.split("autofocus")[0][-300:]


def test_a_form_with_missing_fields_prints_each_error_once_beside_its_field(client, hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)

    response = post(client, hana, order, "reply", {"content": "已处理"})

    assert response.status_code == 400
    errors = _errors(response.content.decode())
    assert errors == ["<li>该字段是必填项。</li>"] * 2  # 答复方式, 是否解决: nothing at the top


def test_the_dispatcher_rejects_with_a_reason_code(client, dan):
    order = make_order("accepted")

    response = post(client, dan, order, "reject", {"reason": scope_reason("military").pk})

    assert_done(response, order, Status.REJECTED, EventKind.REJECTED)


@pytest.mark.parametrize(
    "decision, status, kind, code",
    [
        ("accept", Status.ACCEPTED, EventKind.ACCEPTED, "order_accepted"),
        ("reject", Status.REJECTED, EventKind.REJECTED, "order_rejected"),
    ],
)
def test_the_dispatcher_decides_a_draft_with_the_intake_decision(
    client, dan, deputy, decision, status, kind, code
):
    from minyi.notify.models import OutboxMessage

    order = make_order("draft", channel="deputy_call", deputy=deputy, requester_phone="")

    response = post(
        client, dan, order, "intake", {"decision": decision, "reason": scope_reason("vague").pk}
    )

    assert_done(response, order, status, kind)
    assert list(
        OutboxMessage.objects.filter(order=order).values_list("template_code", flat=True)
    ) == [code]


def test_a_draft_cannot_be_rejected_without_a_reason(client, dan):
    order = make_order("draft")
    before = snapshot(order)

    response = post(client, dan, order, "intake", {"decision": "reject"})

    assert response.status_code == 400
    assert "不予受理须选择理由" in response.content.decode()
    assert snapshot(order) == before


def test_the_dispatcher_accepts_a_return_and_redispatches_to_the_suggested_department(
    client, dan, hana
):
    order = make_order("returned", handler=hana, dispatcher=dan)
    request = ReturnRequest.objects.get()

    response = post(
        client,
        dan,
        order,
        "return-accept",
        {"request": request.pk, "redispatch": "on", "note": "同意"},
    )

    assert_done(response, order, Status.DISPATCHED, EventKind.DISPATCHED)
    assert lead_of(order).department == request.suggested_department


def test_the_dispatcher_refuses_a_return(client, dan, hana):
    order = make_order("returned", handler=hana, dispatcher=dan)
    request = ReturnRequest.objects.get()

    response = post(
        client, dan, order, "return-refuse", {"request": request.pk, "note": "属本单位职责"}
    )

    assert_done(response, order, Status.DISPATCHED, EventKind.RETURN_REFUSED)


@pytest.fixture
def extension(hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    lead = lead_of(order)
    request = extension_request(
        assignment=lead,
        requested_due=lead.reply_due + timedelta(days=5),
        reason="需现场勘测",
        actor=hana,
    )
    return order, request


def test_the_dispatcher_approves_an_extension(client, dan, extension):
    order, request = extension

    response = post(client, dan, order, "extension-approve", {"request": request.pk})

    assert_done(response, order, Status.SIGNED, EventKind.EXTENSION_APPROVED)
    assert lead_of(order).reply_due == request.requested_due


def test_the_dispatcher_denies_an_extension(client, dan, extension):
    order, request = extension

    response = post(
        client, dan, order, "extension-deny", {"request": request.pk, "note": "时间充足"}
    )

    assert_done(response, order, Status.SIGNED, EventKind.EXTENSION_DENIED)
    assert ExtensionRequest.objects.get().ruling == ExtensionRequest.Ruling.DENIED


def test_the_dispatcher_supervises(client, dan, hana):
    order = make_order("signed", handler=hana, dispatcher=dan)

    response = post(client, dan, order, "supervise", {"level": "red", "note": "超期未办"})

    assert_done(response, order, Status.SIGNED, EventKind.SUPERVISED)
    assert fresh(order).supervision == "red"


def test_the_dispatcher_escalates(client, dan):
    order = make_order("accepted")

    response = post(client, dan, order, "escalate", {"note": "涉及多部门"})

    assert_done(response, order, Status.ESCALATED, EventKind.ESCALATED)


def test_the_dispatcher_merges_into_a_master_by_number(client, dan):
    order, master = make_order("accepted"), make_order("accepted")

    response = post(client, dan, order, "merge", {"master": master.number})

    assert_done(response, order, Status.MERGED, EventKind.MERGED)
    assert fresh(order).master == master


def test_merging_into_an_unknown_number_is_a_400(client, dan):
    order = make_order("accepted")

    response = post(client, dan, order, "merge", {"master": "12345-00000000-999999"})

    assert response.status_code == 400
    assert "未找到工单" in response.content.decode()


# -- department handler ------------------------------------------------------------------------


def test_the_handler_signs(client, hana, dan):
    order = make_order("dispatched", handler=hana, dispatcher=dan)

    response = post(client, hana, order, "sign")

    assert_done(response, order, Status.SIGNED, EventKind.SIGNED)


def test_the_handler_returns_with_the_leaders_opinion(client, hana, dan, dept_b):
    order = make_order("dispatched", handler=hana, dispatcher=dan)
    upload = SimpleUploadedFile("意见.pdf", b"%PDF signed", content_type="application/pdf")

    response = post(
        client,
        hana,
        order,
        "return",
        {
            "reason": "不属于本单位职责",
            "suggested_department": dept_b.pk,
            "basis": "三定方案",
            "leader_opinion": upload,
        },
    )

    assert_done(response, order, Status.RETURNED, EventKind.RETURN_REQUESTED)
    request = ReturnRequest.objects.get()
    assert (
        request.leader_opinion.kind == "leader_opinion"
        and request.leader_opinion.name == "意见.pdf"
    )


def test_a_return_without_the_leaders_opinion_is_a_400_and_nothing_changes(
    client, hana, dan, dept_b
):
    order = make_order("dispatched", handler=hana, dispatcher=dan)
    before = snapshot(order)

    response = post(
        client,
        hana,
        order,
        "return",
        {"reason": "x", "suggested_department": dept_b.pk, "basis": "y"},
    )

    assert response.status_code == 400
    assert snapshot(order) == before and not order.attachments.exists()


def test_the_handler_asks_for_an_extension_before_the_due_date(client, hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    due = lead_of(order).reply_due + timedelta(days=7)

    response = post(
        client,
        hana,
        order,
        "extend",
        {"requested_due": due.strftime("%Y-%m-%dT%H:%M"), "reason": "需勘测"},
    )

    assert_done(response, order, Status.SIGNED, EventKind.EXTENSION_REQUESTED)


def test_the_handler_replies(client, hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)

    response = post(
        client, hana, order, "reply", {"content": "已清理", "method": "phone", "solved": "solved"}
    )

    assert_done(response, order, Status.REPLIED, EventKind.REPLIED)
    assert lead_of(order).status == AssignmentStatus.REPLIED


def test_a_reply_not_yet_solved_needs_a_plan_and_says_so(client, hana, dan):
    order = make_order("signed", handler=hana, dispatcher=dan)
    before = snapshot(order)

    response = post(
        client, hana, order, "reply", {"content": "正在协调", "method": "sms", "solved": "not_yet"}
    )

    assert response.status_code == 400
    assert "须写明下一步措施和计划完成时间" in response.content.decode()
    assert snapshot(order) == before

    response = post(
        client,
        hana,
        order,
        "reply",
        {
            "content": "正在协调",
            "method": "sms",
            "solved": "not_yet",
            "plan": "下月施工",
            "plan_due": "2026-04-01",
        },
    )
    assert_done(response, order, Status.REPLIED, EventKind.REPLIED)


# -- callback agent ----------------------------------------------------------------------------


def test_the_callback_agent_records_a_callback(client, carl, hana, dan):
    order = make_order("replied", handler=hana, dispatcher=dan)

    response = post(client, carl, order, "callback", {"satisfaction": "satisfied", "solved": "yes"})

    assert_done(response, order, Status.CALLBACK, EventKind.CALLED_BACK)
    assert fresh(order).solved_confirmed is True


def test_the_callback_agent_archives(client, carl, hana, dan):
    order = make_order("callback", handler=hana, dispatcher=dan, agent=carl)

    response = post(client, carl, order, "archive")

    assert_done(response, order, Status.ARCHIVED, EventKind.ARCHIVED)


def test_a_dissatisfied_callback_offers_only_redo_and_supervision(client, carl, hana, dan):
    order = make_order("replied", handler=hana, dispatcher=dan)
    post(client, carl, order, "callback", {"satisfaction": "dissatisfied", "solved": "no"})
    before = snapshot(order)

    page = client.get(detail_url(order)).content.decode()
    offered = client.get(f"/api/orders/{order.number}/actions/").json()["actions"]
    refused = post(client, carl, order, "archive", {"note": "已解释，归档"})

    assert sorted(offered) == ["redo", "supervise"]
    assert 'id="do-redo"' in page and 'id="do-supervise"' in page
    assert 'id="do-archive"' not in page and 'id="do-callback"' not in page
    assert refused.status_code == 403
    assert snapshot(order) == before


def test_the_callback_agent_sends_back_for_redo(client, carl, hana, dan):
    order = make_order("callback", handler=hana, dispatcher=dan, agent=carl)

    response = post(client, carl, order, "redo", {"note": "群众反映仍有摊贩"})

    assert_done(response, order, Status.SIGNED, EventKind.REDO)
    assert fresh(order).redo_count == 1


def test_the_callback_agent_hands_to_supervision(client, carl, hana, dan):
    order = make_order("callback", handler=hana, dispatcher=dan, agent=carl)

    response = post(client, carl, order, "supervise", {"level": "yellow", "note": "不满意，督办"})

    assert_done(response, order, Status.SIGNED, EventKind.SUPERVISED)


def test_supervision_is_not_offered_on_an_order_never_dispatched(client, dan):
    order = make_order("accepted")
    client.force_login(dan)
    before = snapshot(order)

    offered = client.get(f"/api/orders/{order.number}/actions/").json()["actions"]
    response = post(client, dan, order, "supervise", {"level": "red", "note": "尽快"})

    assert "supervise" not in offered and "dispatch" in offered
    assert response.status_code == 403
    assert snapshot(order) == before


def test_an_unknown_action_is_a_404(client, dan):
    order = make_order("accepted")

    assert post(client, dan, order, "explode").status_code == 404


def test_actions_only_answer_post(client, dan):
    order = make_order("accepted")
    client.force_login(dan)

    assert client.get(detail_url(order, "escalate")).status_code == 405


def test_the_dispatcher_finds_departments_by_region_and_category(client, dan):
    from minyi.reference.models import Category, Department, Region

    city = Region.objects.create(name="韶山市", level="county", code="430382")
    town = Region.objects.create(name="银田镇", level="township", parent=city)
    lights = Category.objects.create(
        name="路灯照明", parent=Category.objects.create(name="城市管理")
    )
    bureau = Department.objects.create(name="韶山市城市管理局", region=city)
    bureau.categories.add(lights.parent)
    township = Department.objects.create(name="银田镇人民政府", region=town)
    Department.objects.create(name="韶山市教育局", region=city)
    client.force_login(dan)

    def names(**params):
        page = client.get("/work/orders/_departments/", params).content.decode()
        return {d.name for d in Department.objects.all() if d.name in page}

    assert names(category=lights.pk) == {bureau.name}
    # a town's matter can go to the town or to the city above it; a city's not to a town
    assert names(region=town.pk) == {township.name, bureau.name, "韶山市教育局"}
    assert names(region=city.pk) == {bureau.name, "韶山市教育局"}
    assert names(q="教育") == {"韶山市教育局"}
    assert names(region="x", category="") == {bureau.name, township.name, "韶山市教育局"}
