"""The whistle-blower suite: a department never learns who reported (DESIGN §9).

For a 举报 from every channel — a citizen's call, a deputy's call (the deputy is the reporter),
a web message — and on every surface a department handler can reach, Hana (承办人 of the lead
department) sees neither the name, nor the phone number, nor the deputy, in any spelling:
full, masked, or spaced out.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from minyi.core import clock
from minyi.notify.models import Notice, OutboxMessage
from minyi.notify.services import outbox_sweep, warning_notices_collect
from minyi.orders.services.dispatch import assignment_sign, order_dispatch
from minyi.orders.services.sla import sla_scan
from minyi.privacy.models import PersonalDataAccess
from tests.factories import MONDAY, at, lead_of
from tests.privacy.helpers import REPORTERS, as_text, leaked, report

pytestmark = pytest.mark.django_db

CHANNELS = list(REPORTERS)


@pytest.fixture(params=CHANNELS)
def channel(request):
    return request.param


@pytest.fixture
def reporter(channel):
    return REPORTERS[channel]


@pytest.fixture
def signed(channel, hana, dan, olivia):
    """The report, signed for by Hana's department."""
    with clock.frozen(MONDAY):
        return report(channel, "signed", handler=hana, dispatcher=dan, operator=olivia)


@pytest.fixture
def noted(channel, hana, dan, olivia):
    """The report, signed for, where the dispatcher's note names the reporter — as a dispatcher
    in a hurry writes it. Free text must not leak them either."""
    name = REPORTERS[channel].name
    with clock.frozen(MONDAY):
        order = report(channel, "accepted", operator=olivia)
        order = order_dispatch(
            order=order, lead=hana.department, note=f"{name}来电反映，请核查。", actor=dan
        )
        assignment_sign(assignment=lead_of(order), actor=hana)
    order.refresh_from_db()
    return order


def _seen_by(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return as_text(response)


def test_the_department_list_never_shows_who_reported(client, hana, reporter, signed):
    html = _seen_by(client, hana, "/work/department/?tab=handling")

    assert signed.number in html
    assert "举报人信息保密" in html
    assert leaked(html, reporter) == []


def test_the_pending_tab_never_shows_who_reported(client, hana, dan, reporter, channel):
    order = report(channel, "dispatched", handler=hana, dispatcher=dan)

    html = _seen_by(client, hana, "/work/department/?tab=pending")

    assert order.number in html
    assert leaked(html, reporter) == []


def test_the_detail_page_never_shows_who_reported(client, hana, reporter, signed):
    html = _seen_by(client, hana, f"/work/orders/{signed.number}/")

    assert "举报人信息保密" in html
    assert "查看完整信息" not in html
    assert leaked(html, reporter) == []


def test_the_page_reveal_is_refused_and_nothing_is_logged(client, hana, reporter, signed):
    client.force_login(hana)

    response = client.post(f"/work/orders/{signed.number}/reveal/")

    assert response.status_code == 403
    assert leaked(response.content.decode(), reporter) == []
    assert not PersonalDataAccess.objects.exists()


def test_a_note_naming_the_reporter_is_not_shown_to_the_department(client, hana, reporter, noted):
    page = _seen_by(client, hana, f"/work/orders/{noted.number}/")
    api = _seen_by(client, hana, f"/api/orders/{noted.number}/")

    assert "来电反映，请核查" in page and "来电反映，请核查" in api
    assert leaked(page, reporter) == []
    assert leaked(api, reporter) == []


def test_the_api_list_never_shows_who_reported(client, hana, reporter, signed):
    text = _seen_by(client, hana, "/api/orders/")

    assert signed.number in text
    assert leaked(text, reporter) == []


def test_the_api_detail_never_shows_who_reported(client, hana, reporter, signed):
    text = _seen_by(client, hana, f"/api/orders/{signed.number}/")

    assert "举报人信息保密" in text
    assert leaked(text, reporter) == []


def test_the_api_action_response_says_what_the_read_says(client, hana, dan, reporter, channel):
    order = report(channel, "dispatched", handler=hana, dispatcher=dan)
    client.force_login(hana)

    response = client.post(
        f"/api/orders/{order.number}/actions/sign/", data={}, content_type="application/json"
    )
    read = client.get(f"/api/orders/{order.number}/").json()

    assert response.status_code == 200, response.json()
    assert response.json()["order"]["requester"] == read["requester"]
    assert leaked(as_text(response), reporter) == []


def test_the_api_reveal_is_refused_and_nothing_is_logged(client, hana, reporter, signed):
    client.force_login(hana)

    response = client.post(f"/api/orders/{signed.number}/reveal/")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert leaked(as_text(response), reporter) == []
    assert not PersonalDataAccess.objects.exists()


def test_texts_and_notices_to_the_department_never_name_the_reporter(hana, dan, reporter, channel):
    with clock.frozen(MONDAY):
        warning_notices_collect()
        order = report(channel, "dispatched", at=MONDAY, handler=hana, dispatcher=dan)
    with clock.frozen(at(2026, 3, 3, 11)):  # the sign-for deadline has passed: red
        sla_scan()
        warning_notices_collect()
        outbox_sweep()

    to_department = OutboxMessage.objects.filter(order=order, recipient_user=hana)
    notices = Notice.objects.filter(order=order, user=hana)
    assert to_department.exists() and notices.exists()
    for text in [m.body for m in to_department] + [n.text for n in notices]:
        assert leaked(text, reporter) == [], text
    # nothing of the order goes to the department by SMS
    department_phones = {hana.phone} - {""}
    assert not OutboxMessage.objects.filter(
        order=order, recipient_phone__in=department_phones
    ).exists()


def test_the_operator_console_is_closed_to_the_department(client, hana, reporter, signed, pbx):
    pbx(event="ring", call_id="wb-1", to="12345", **{"from": reporter.phone})
    client.force_login(hana)

    for url in ("/console/", "/console/intake/?call=wb-1", "/console/lookup/"):
        response = client.get(url)
        assert response.status_code in (403, 405), url
        assert leaked(response.content.decode(), reporter) == [], url
    response = client.post("/console/lookup/", {"phone": reporter.phone})
    assert response.status_code == 403
    assert leaked(response.content.decode(), reporter) == []


def test_the_admin_is_closed_to_the_department(client, hana, reporter, signed):
    client.force_login(hana)
    urls = [reverse("admin:index"), f"/admin/orders/workorder/{signed.pk}/change/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))

    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
        assert leaked(response.content.decode(), reporter) == [], url


def test_a_title_naming_the_reporter_is_cut_in_lists_notices_and_the_api(
    client, hana, dan, reporter, channel
):
    with clock.frozen(MONDAY):
        warning_notices_collect()
        order = report(
            channel,
            "dispatched",
            at=MONDAY,
            handler=hana,
            dispatcher=dan,
            title=f"{reporter.name}举报某工地夜间施工",
        )
    with clock.frozen(at(2026, 3, 3, 11)):
        sla_scan()
        warning_notices_collect()
        outbox_sweep()
    client.force_login(hana)

    surfaces = [
        as_text(client.get("/work/department/?tab=pending")),
        as_text(client.get(f"/work/orders/{order.number}/")),
        as_text(client.get("/api/orders/")),
        as_text(client.get(f"/api/orders/{order.number}/")),
        *Notice.objects.filter(user=hana).values_list("text", flat=True),
    ]

    for text in surfaces:
        assert "〔保密〕举报某工地夜间施工" in text
        assert leaked(text, reporter) == []
    # the dispatcher, who may see the reporter, reads the title as it was written
    dispatcher_notice = Notice.objects.get(user=dan, order=order).text
    assert f"{reporter.name}举报某工地夜间施工" in dispatcher_notice


def test_a_callback_note_naming_the_reporter_is_cut_from_the_page(
    client, hana, dan, carl, reporter, channel
):
    from minyi.orders.models import Satisfaction
    from minyi.orders.services.closing import order_callback

    order = report(channel, "replied", handler=hana, dispatcher=dan)
    order_callback(
        order=order,
        satisfaction=Satisfaction.SATISFIED,
        solved=True,
        note=f"已回访{reporter.name}（{reporter.phone}），表示满意。",
        actor=carl,
    )

    html = _seen_by(client, hana, f"/work/orders/{order.number}/")

    assert "已回访〔保密〕（〔保密〕），表示满意。" in html
    assert leaked(html, reporter) == []


def test_a_file_name_naming_the_reporter_is_cut_from_the_page_and_the_download(
    client, hana, dan, reporter, signed
):
    from urllib.parse import unquote

    from tests.factories import leader_opinion

    attachment = leader_opinion(signed, actor=dan, name=f"{reporter.name}举报材料.pdf")
    client.force_login(hana)

    page = as_text(client.get(f"/work/orders/{signed.number}/"))
    download = client.get(f"/work/orders/{signed.number}/attachments/{attachment.pk}/")

    assert "〔保密〕举报材料.pdf" in page and leaked(page, reporter) == []
    assert download.status_code == 200
    disposition = unquote(download["Content-Disposition"])
    assert "〔保密〕举报材料.pdf" in disposition
    assert leaked(disposition, reporter) == []
