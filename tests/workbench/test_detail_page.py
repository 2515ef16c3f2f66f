"""The order detail page: what it shows, masking, the logged reveal, whistle-blowers, files."""

from __future__ import annotations

import pytest

from minyi.orders.models import Channel
from minyi.privacy.models import PersonalDataAccess
from tests.factories import at, leader_opinion, make_order
from tests.workbench.detail_helpers import deputy_user, detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(dan, hana, olivia):
    """An order signed by Hana's department, recorded by Olivia and dispatched by Dan."""
    return make_order(
        "signed",
        handler=hana,
        operator=olivia,
        dispatcher=dan,
        requester_name="张小三",
        requester_phone="+8613812345678",
    )


def page(client, user, order) -> str:
    client.force_login(user)
    response = client.get(detail_url(order))
    assert response.status_code == 200
    return response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, signed):
    response = client.get(detail_url(signed))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_shows_the_header_the_timeline_and_the_deadlines(client, dan, signed):
    html = page(client, dan, signed)

    assert signed.number in html and signed.title in html
    assert "办理中" in html and "投诉" in html and "群众来电" in html
    for label in ("登记", "受理", "派单", "签收"):
        assert f"<strong>{label}</strong>" in html
    assert "已受理 → 已派单" in html and "邓安" in html and "韩娜" in html
    assert "市城市管理和综合执法局" in html
    assert "办结时限" in html and "签收时限" in html


def test_an_order_waiting_for_dispatch_shows_its_dispatch_deadline(client, dan):
    order = make_order("accepted", at=at(2026, 3, 2, 10))

    html = page(client, dan, order)

    assert "派单时限" in html and "2026-03-02 12:00" in html
    assert "签收时限" not in html


def test_a_deadline_counted_on_a_provisional_year_is_marked(client, dan, hana):
    # Dispatched at the end of 2026: the reply deadline falls in 2027, not yet officially known.
    order = make_order("signed", at=at(2026, 12, 29, 10), handler=hana, dispatcher=dan)

    html = page(client, dan, order)

    assert "2027-01" in html
    assert "（暂定）" in html


def test_a_deadline_on_a_known_year_has_no_provisional_mark(client, dan, signed):
    assert "（暂定）" not in page(client, dan, signed)


def test_the_requester_is_masked_on_the_page(client, dan, signed):
    html = page(client, dan, signed)

    assert "张*三" in html and "138****5678" in html
    assert "13812345678" not in html and "张小三" not in html
    assert "查看完整信息" in html


def test_the_reveal_shows_the_full_number_and_writes_exactly_one_log_row(client, dan, signed):
    client.force_login(dan)

    response = client.post(
        detail_url(signed, "reveal"), REMOTE_ADDR="10.1.2.3", HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "13812345678" in html and "张小三" in html
    row = PersonalDataAccess.objects.get()
    assert (row.user, row.order, row.ip) == (dan, signed, "10.1.2.3")
    assert row.fields == "诉求人姓名、联系电话"


def test_the_reveal_without_htmx_renders_the_whole_page_unmasked(client, olivia, signed):
    client.force_login(olivia)

    response = client.post(detail_url(signed, "reveal"))

    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=olivia).count() == 1


def test_the_handler_of_the_department_may_reveal_to_call_back(client, hana, signed):
    client.force_login(hana)

    assert client.post(detail_url(signed, "reveal")).status_code == 200
    assert PersonalDataAccess.objects.filter(user=hana).count() == 1


@pytest.mark.parametrize("persona", ["deputy", "liaison"])
def test_readers_see_the_masked_requester_only(client, persona, zhang, dan, hana):
    from tests.workbench.lists_helpers import liaison_user

    order = make_order(
        "signed", channel=Channel.DEPUTY_CALL, deputy=zhang, handler=hana, dispatcher=dan
    )
    user = deputy_user(zhang) if persona == "deputy" else liaison_user()

    html = page(client, user, order)

    assert "查看完整信息" not in html
    assert client.post(detail_url(order, "reveal")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_a_handler_never_sees_a_whistle_blower(client, hana, dan):
    order = make_order(
        "signed",
        request_type_code="report",
        handler=hana,
        dispatcher=dan,
        requester_name="举报人甲",
        requester_phone="+8613900001111",
    )

    html = page(client, hana, order)

    assert "举报人信息保密" in html
    assert "查看完整信息" not in html
    assert "举*甲" not in html and "139****1111" not in html and "13900001111" not in html
    response = client.post(detail_url(order, "reveal"))
    assert response.status_code == 403
    assert "13900001111" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_dispatcher_still_sees_a_whistle_blower_masked(client, hana, dan):
    order = make_order("signed", request_type_code="report", handler=hana, dispatcher=dan)

    html = page(client, dan, order)

    assert "举报人信息保密" not in html and "查看完整信息" in html


def test_another_department_gets_404_not_403(client, henry, signed):
    client.force_login(henry)

    assert client.get(detail_url(signed)).status_code == 404
    assert client.post(detail_url(signed, "reveal")).status_code == 404


@pytest.fixture
def returned(dan, hana):
    return make_order("returned", handler=hana, dispatcher=dan)


def test_an_attachment_downloads_for_users_who_see_the_order(client, hana, dan, returned):
    attachment = returned.attachments.get()
    for user in (hana, dan):
        client.force_login(user)
        response = client.get(detail_url(returned, f"attachments/{attachment.pk}"))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
        assert "attachment" in response["Content-Disposition"]


def test_the_timeline_names_the_kind_of_an_uploaded_file_in_words(client, dan, returned):
    html = page(client, dan, returned)

    assert "文件：领导签署意见.pdf；附件类型：领导签署意见" in html
    assert "leader_opinion" not in html


def test_an_attachment_is_refused_to_another_department(client, henry, returned):
    attachment = returned.attachments.get()
    client.force_login(henry)

    assert client.get(detail_url(returned, f"attachments/{attachment.pk}")).status_code == 404


def test_an_attachment_of_another_order_is_not_served_through_this_one(client, dan, hana, returned):
    other = make_order("dispatched", handler=hana, dispatcher=dan)
    foreign = leader_opinion(other, actor=hana)
    client.force_login(hana)

    response = client.get(detail_url(returned, f"attachments/{foreign.pk}"))

    assert response.status_code == 404


def test_the_page_lists_the_return_with_its_reason_and_the_dispatcher_may_rule(
    client, dan, returned
):
    html = page(client, dan, returned)

    assert "不属于本单位职责" in html and "领导签署意见.pdf" in html
    assert 'id="do-return-accept"' in html and 'id="do-return-refuse"' in html


def test_the_handler_sees_only_her_actions(client, hana, signed):
    html = page(client, hana, signed)

    assert 'id="do-reply"' in html and 'id="do-extend"' in html
    assert 'id="do-dispatch"' not in html and 'id="do-sign"' not in html


def test_the_department_search_filters_by_name(client, dan, dept_a, dept_b):
    client.force_login(dan)

    html = client.get("/work/orders/_departments/", {"q": "住房"}).content.decode()

    assert dept_b.name in html and dept_a.name not in html


def test_the_timeline_names_a_department_only_beside_its_own_people(client, dan, hana):
    from datetime import timedelta

    from minyi.orders.services.handling import extension_approve, extension_request
    from tests.factories import lead_of

    order = make_order("signed", handler=hana, dispatcher=dan)
    lead = lead_of(order)
    asked = extension_request(
        assignment=lead,
        requested_due=lead.reply_due + timedelta(days=3),
        reason="需协调多部门",
        actor=hana,
    )
    extension_approve(request=asked, actor=dan)

    html = page(client, dan, order)

    department = lead.department.name
    assert f"韩娜 · {department}" in html  # the handler signs for their department
    assert f"邓安 · {department}" not in html  # the dispatcher ruled; they are not of it


def test_urgency_and_complexity_are_labelled_not_two_bare_words(client, dan):
    html = page(client, dan, make_order("accepted"))

    assert "紧急程度：一般 · 复杂程度：一般" in html
