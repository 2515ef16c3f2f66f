"""Every time shown or sent is Beijing time (Asia/Shanghai), whatever time zone the process or
Django is set to: these tests run with both set to UTC, where a time formatted without the
helper (``minyi.core.timefmt``) comes out eight hours early ("已超过退件时限（2026-12-01 15:59）"
for a 23:59 deadline)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minyi.calls.api import call_state
from minyi.calls.services import call_event_receive, missed_call_resolve
from minyi.core import clock
from minyi.core.errors import InvalidTransition
from minyi.notify.models import OutboxMessage
from minyi.orders.admin import deadline_label
from minyi.orders.models import OrderEvent
from minyi.orders.services.handling import extension_approve, extension_request
from minyi.workbench.presenters import local
from tests.factories import MONDAY, SHANGHAI, at, keyed, lead_of, make_order
from tests.uploads import samples
from tests.workbench.detail_helpers import detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def utc_everywhere(settings):
    """Django's TIME_ZONE and the process's TZ (Django sets it from TIME_ZONE) are UTC, and UTC is
    the active time zone."""
    settings.TIME_ZONE = "UTC"
    with timezone.override("UTC"):
        assert time.strftime("%z") == "+0000"
        yield


def test_the_settings_name_beijing_time_for_the_pages(settings):
    """Templates format through Django's current time zone, which is TIME_ZONE."""
    from minyi import settings as product

    assert (product.TIME_ZONE, product.USE_TZ) == ("Asia/Shanghai", True)


def test_a_late_return_is_refused_on_the_page_with_the_deadline_in_beijing_time(
    client, hana, dan, dept_b
):
    with clock.frozen(MONDAY):
        order = make_order("dispatched", handler=hana, dispatcher=dan)
    assert lead_of(order).return_due == at(2026, 3, 3, 23, 59, 59)
    client.force_login(hana)

    with clock.frozen(at(2026, 3, 4, 10)):
        response = client.post(
            detail_url(order, "return"),
            keyed(
                {
                    "reason": "不属于本单位职责",
                    "suggested_department": dept_b.pk,
                    "basis": "三定方案",
                    "leader_opinion": SimpleUploadedFile("意见.pdf", samples.PDF),
                }
            ),
        )

    assert response.status_code == 400
    assert "已超过退件时限（2026-03-03 23:59），请继续办理或申请延期。" in response.content.decode()


def test_a_late_extension_request_is_refused_with_the_deadline_in_beijing_time(hana):
    with clock.frozen(MONDAY):
        order = make_order("signed", handler=hana)
    lead = lead_of(order)
    due = lead.reply_due.astimezone(SHANGHAI)  # the end of a working day, whichever
    assert f"{due:%H:%M}" == "23:59"

    with (
        clock.frozen(lead.reply_due + timedelta(hours=1)),
        pytest.raises(InvalidTransition) as refused,
    ):
        extension_request(
            assignment=lead, requested_due=at(2026, 4, 1, 12), reason="需协调", actor=hana
        )

    assert refused.value.message == f"办结时限（{due:%Y-%m-%d %H:%M}）已过，不能再申请延期。"


def test_a_second_callback_names_the_first_in_beijing_time(zhang, olivia):
    for offset, event in enumerate(("ring", "hangup")):
        missed = call_event_receive(
            event=event,
            call_id="c-1",
            caller="13800138000",
            called="12345",
            agent="",
            at=MONDAY + timedelta(seconds=10 * offset),
        )
    with clock.frozen(MONDAY + timedelta(minutes=5)):
        missed_call_resolve(call=missed, actor=olivia)

    with pytest.raises(InvalidTransition) as refused:
        missed_call_resolve(call=missed, actor=olivia)

    assert refused.value.message == "来电 c-1 已于 03-02 10:05 回拨。"
    assert call_state(missed)["rang_at"] == "2026-03-02T10:00:00+08:00"


def test_an_sms_gives_the_new_deadline_in_beijing_time(hana, dan):
    with clock.frozen(MONDAY):
        order = make_order("signed", handler=hana)
        request = extension_request(
            assignment=lead_of(order),
            reason="需协调多方",
            requested_due=at(2026, 3, 20, 7, 30),  # 3/19 23:30 in UTC
            actor=hana,
        )
        extension_approve(request=request, actor=dan)

    [message] = OutboxMessage.objects.filter(order=order, template_code="extension_approved")
    assert "3月20日 07:30" in message.body


def test_the_admin_and_the_timeline_show_deadlines_in_beijing_time(hana):
    deadline = at(2026, 3, 3, 23, 59, 59)

    assert deadline_label(deadline, False) == "2026-03-03 23:59"
    assert deadline_label(deadline, True) == "2026-03-03 23:59（暂定）"
    assert local(deadline) == "2026-03-03 23:59"


def test_an_events_label_is_in_beijing_time(hana):
    with clock.frozen(MONDAY):
        order = make_order("accepted")

    event = OrderEvent.objects.filter(order=order).order_by("id").first()
    assert str(event).startswith("2026-03-02 10:00 ")
