"""选民留言 and 屏蔽号码 in the admin: read-only for the system administrator, the citizen masked,
no text of the message, no search by phone; the other administrators see neither."""

from __future__ import annotations

import pytest

from minyi.mashang.models import MessageEventKind
from minyi.mashang.services.abuse import phone_block
from minyi.mashang.services.messages import message_record
from tests.factories import MessageFactory
from tests.mashang.helpers import handed_to_station, station, station_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(zhang):
    message = MessageFactory(deputy=zhang, name="钱留言", phone="+8613566667777")
    message_record(message, MessageEventKind.ANSWERED, text="已联系社区修好路灯")
    return message


def test_the_system_administrator_reads_a_message_with_the_citizen_masked(admin_client, message):
    listing = admin_client.get("/admin/mashang/message/").content.decode()
    page = admin_client.get(f"/admin/mashang/message/{message.pk}/change/").content.decode()

    for shown in (listing, page):
        assert "135****7777" in shown and "13566667777" not in shown
    assert "钱留言" in page
    assert message.content not in page and "已联系社区修好路灯" not in page
    assert "答复" in page  # the event's kind stays


def test_an_anonymous_citizen_reads_as_anonymous(admin_client, zhang):
    message = MessageFactory(deputy=zhang, name="钱留言", is_anonymous=True)

    page = admin_client.get(f"/admin/mashang/message/{message.pk}/change/").content.decode()

    assert "匿名" in page and "钱留言" not in page


def test_no_search_or_filter_reaches_the_citizens_phone(admin_client, message):
    searched = admin_client.get("/admin/mashang/message/?q=13566667777").content.decode()
    filtered = admin_client.get("/admin/mashang/message/?phone__startswith=%2B86135")

    assert message.tracking_code not in searched
    assert filtered.status_code == 400 or message.tracking_code not in filtered.content.decode()


def test_messages_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, message):
    assert admin_client.get("/admin/mashang/message/add/").status_code == 403
    assert admin_client.post(f"/admin/mashang/message/{message.pk}/delete/").status_code == 403


def test_the_security_administrator_does_not_see_messages(security_client, message):
    assert security_client.get("/admin/mashang/message/").status_code == 403


def test_blocked_numbers_show_masked_with_who_and_why(admin_client):
    yintian = station()
    sally = station_staff(yintian)
    phone_block(
        message=handed_to_station(station=yintian, phone="+8613712345678"),
        actor=sally,
        reason="反复发送广告",
    )

    page = admin_client.get("/admin/mashang/blockedphone/").content.decode()

    assert "137****5678" in page and "反复发送广告" in page and "13712345678" not in page
