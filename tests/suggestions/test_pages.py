"""The pages: the committee's queue, review and hand-over; the department's list and reply
(with an attachment); the deputy's phone pages (mine, new, evaluate); who may see what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minyi.core import clock
from minyi.suggestions.models import Suggestion, SuggestionReply
from minyi.suggestions.services import (
    suggestion_accept,
    suggestion_assign,
    suggestion_create,
    suggestion_escalate,
    suggestion_reply,
)
from tests.factories import MONDAY, keyed, make_order

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture
def proposed(wang, lin):
    return suggestion_create(
        title="老旧小区加装电梯补贴",
        content="建议提高加装电梯补贴。",
        lead_deputy=wang.deputy,
        actor=wang,
        source="deputy",
    )


@pytest.fixture
def assigned(proposed, lin, dept_a):
    suggestion_accept(suggestion=proposed, actor=lin)
    return suggestion_assign(suggestion=proposed, actor=lin, lead_department=dept_a)


def test_the_committee_reviews_and_assigns_from_the_suggestions_page(
    client, lin, proposed, dept_a, dept_b
):
    client.force_login(lin)
    page = client.get("/work/suggestions/").content.decode()
    assert proposed.shown_number in page and "待审查" in page
    detail = client.get(f"/work/suggestions/{proposed.pk}/").content.decode()
    assert 'id="review"' in detail

    response = client.post(
        f"/work/suggestions/{proposed.pk}/review/", keyed(decision="accept", reason="")
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == "accepted"
    body = keyed(lead=dept_a.pk, assisting=[dept_b.pk], months="4")
    client.post(f"/work/suggestions/{proposed.pk}/assign/", body)
    again = client.post(f"/work/suggestions/{proposed.pk}/assign/", body)  # a double submit

    proposed.refresh_from_db()
    assert proposed.status == "assigned" and str(proposed.due_on) == "2026-07-02"
    assert proposed.assignments.count() == 2
    assert "已交办。" in client.get(again["Location"]).content.decode()


def test_a_refusal_is_a_chinese_banner_and_changes_nothing(client, lin, proposed, dept_a):
    client.force_login(lin)

    response = client.post(
        f"/work/suggestions/{proposed.pk}/review/", keyed(decision="return", reason=""), follow=True
    )

    assert "请填写退回的理由。" in response.content.decode()
    suggestion_accept(suggestion=proposed, actor=lin)
    response = client.post(
        f"/work/suggestions/{proposed.pk}/assign/", keyed(lead=dept_a.pk, months="9"), follow=True
    )
    assert "答复期限最长 6 个月。" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == "accepted"


def test_the_department_replies_with_an_attachment_and_the_deputy_can_download_it(
    client, hana, wang, assigned
):
    client.force_login(hana)
    page = client.get("/work/suggestions/department/").content.decode()
    assert assigned.shown_number in page and "主办" in page

    upload = SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/work/suggestions/{assigned.pk}/reply/",
        keyed(content="已纳入年度计划", attachment=upload),
    )

    assert response.status_code == 302
    reply = SuggestionReply.objects.get()
    assert (reply.attachment_name, reply.attachment_type) == ("答复函.pdf", "application/pdf")
    client.force_login(wang)
    download = client.get(f"/work/suggestions/{assigned.pk}/replies/{reply.pk}/attachment/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_department_not_assigned_sees_nothing_of_it(client, henry, assigned):
    client.force_login(henry)

    assert assigned.shown_number not in client.get("/work/suggestions/department/").content.decode()
    assert client.get(f"/work/suggestions/{assigned.pk}/").status_code == 404
    response = client.post(f"/work/suggestions/{assigned.pk}/reply/", keyed(content="越权"))
    assert response.status_code == 404
    assert not SuggestionReply.objects.exists()


def test_the_deputy_proposes_on_the_phone_page_and_evaluates_the_reply(
    client, wang, zhao, hana, lin, dept_a
):
    client.force_login(wang)
    form = client.get("/work/suggestions/new/").content.decode()
    assert 'name="viewport"' in form and 'id="new-suggestion"' in form

    response = client.post(
        "/work/suggestions/new/",
        keyed(
            title="公交线路延伸",
            content="建议将 5 路公交延伸到工业园。",
            cosigners=[zhao.deputy.pk],
        ),
    )

    suggestion = Suggestion.objects.get()
    assert response["Location"] == f"/work/suggestions/{suggestion.pk}/"
    assert "公交线路延伸" in client.get("/work/suggestions/mine/").content.decode()
    suggestion_accept(suggestion=suggestion, actor=lin)
    suggestion_assign(suggestion=suggestion, actor=lin, lead_department=dept_a)
    suggestion_reply(suggestion=suggestion, actor=hana, content="已调整线路")
    assert 'id="evaluate"' in client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    client.post(f"/work/suggestions/{suggestion.pk}/evaluate/", keyed(evaluation="satisfied"))

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.evaluation) == ("closed", "satisfied")


def test_a_new_suggestion_without_a_title_stays_on_the_page_with_its_error(client, wang):
    client.force_login(wang)

    response = client.post("/work/suggestions/new/", keyed(title="", content="内容"))

    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_co_signer_reads_it_but_may_not_evaluate(client, zhao, wang, assigned, hana):
    assigned.cosigners.add(zhao.deputy)
    suggestion_reply(suggestion=assigned, actor=hana, content="答复")
    client.force_login(zhao)

    page = client.get(f"/work/suggestions/{assigned.pk}/").content.decode()
    assert "答复" in page and 'id="evaluate"' not in page
    response = client.post(
        f"/work/suggestions/{assigned.pk}/evaluate/", keyed(evaluation="satisfied"), follow=True
    )
    assert "只有领衔代表可以评价办理结果。" in response.content.decode()


def test_a_department_reads_a_whistle_blowers_suggestion_without_their_name(
    client, lin, dan, hana, dept_a
):
    from minyi.orders.models import WorkOrder
    from tests.factories import request_type

    order = make_order("accepted", requester_name="谭萍", title="谭萍举报化工厂夜间排污")
    WorkOrder.objects.filter(pk=order.pk).update(
        request_type=request_type("report"), protect_identity=True
    )
    order.refresh_from_db()
    suggestion = suggestion_escalate(order=order, note="涉及面广", actor=dan)
    suggestion_accept(suggestion=suggestion, actor=lin, lead_deputy=hana_deputy())
    suggestion_assign(suggestion=suggestion, actor=lin, lead_department=dept_a)
    client.force_login(hana)

    page = client.get(f"/work/suggestions/{suggestion.pk}/").content.decode()

    assert "谭萍" not in page and "化工厂夜间排污" in page


def hana_deputy():
    from tests.factories import DeputyFactory

    return DeputyFactory(name="周代表")


@pytest.mark.parametrize("persona", ["olivia", "carl", "dan"])
def test_other_roles_see_no_suggestion_pages(client, request, persona, proposed):
    client.force_login(request.getfixturevalue(persona))

    for url in (
        "/work/suggestions/mine/",
        "/work/suggestions/department/",
        f"/work/suggestions/{proposed.pk}/",
        "/work/suggestions/ledger/",
    ):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("persona", "link"),
    [
        ("lin", "/work/suggestions/"),
        ("hana", "/work/suggestions/department/"),
        ("wang", "/work/suggestions/mine/"),
    ],
)
def test_the_header_links_each_role_to_its_suggestions(client, request, persona, link):
    client.force_login(request.getfixturevalue(persona))

    page = client.get("/work/notices/").content.decode()

    assert f'href="{link}"' in page


def test_a_double_submitted_new_suggestion_is_recorded_once(client, wang):
    client.force_login(wang)
    body = keyed(title="公交线路延伸", content="建议延伸 5 路公交。")

    first = client.post("/work/suggestions/new/", body)
    second = client.post("/work/suggestions/new/", body)

    assert Suggestion.objects.count() == 1
    assert first["Location"] == second["Location"]
