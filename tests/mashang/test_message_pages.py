"""The staff side's pages (/work/messages/): the inbox, a message's page with its photos and one
timeline, and the actions one at a time — for the deputy, the station's staff and the liaison
officers, each only what ``messages_visible_to`` gives them, never the citizen's full phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from minyi.core import clock
from minyi.mashang.models import Holder, MessageEventKind, MessagePhoto, MessageStatus
from minyi.mashang.services.handling import message_forward, message_to_station
from minyi.orders.models import Channel
from minyi.orders.services.intake import order_reject
from tests.factories import DeputyFactory, keyed, order_walk, scope_reason
from tests.mashang.deputy_side import (
    CITIZEN_MASKED,
    CITIZEN_PHONE,
    liaison_officer,
    message_to,
    sms_to,
    station_and_deputy,
    station_staff,
)

pytestmark = pytest.mark.django_db
FULL = CITIZEN_PHONE[3:]  # 13712345678, as any page would print it


@pytest.fixture
def wang_client(client):
    station, wang, user = station_and_deputy()
    client.force_login(user)
    client.wang, client.user, client.station = wang, user, station
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:500]
    text = response.content.decode()
    assert FULL not in text and CITIZEN_PHONE not in text  # never the citizen's full number
    return text


def test_the_inbox_lists_waiting_messages_oldest_first_with_the_citizen_masked(wang_client):
    now = clock.now()
    newer = message_to(wang_client.wang, content="新留言：垃圾站太臭。", created_at=now)
    older = message_to(
        wang_client.wang, content="旧留言：路灯坏了。", created_at=now - timedelta(days=3)
    )
    message_to(DeputyFactory(name="赵代表"), content="别人的留言。")

    text = page(wang_client, "/work/messages/")

    assert text.index("旧留言：路灯坏了。") < text.index("新留言：垃圾站太臭。")
    assert "别人的留言" not in text
    assert CITIZEN_MASKED in text and "王小明" in text
    assert f"/work/messages/{older.pk}/" in text and f"/work/messages/{newer.pk}/" in text
    assert "待处理" in text and "已转12345" in text


def test_the_inbox_tabs_sort_messages_by_where_they_are(wang_client):
    waiting = message_to(wang_client.wang, content="等我处理")
    handed = message_to_station(
        message=message_to(wang_client.wang, content="交给站里"), actor=wang_client.user
    )
    forwarded = message_forward(
        message=message_to(wang_client.wang, content="转给12345"), actor=wang_client.user
    )

    assert "等我处理" in page(wang_client, "/work/messages/?tab=todo")
    assert "交给站里" not in page(wang_client, "/work/messages/?tab=todo")
    assert "交给站里" in page(wang_client, "/work/messages/?tab=elsewhere")
    assert "转给12345" in page(wang_client, "/work/messages/?tab=forwarded")
    assert {waiting.pk, handed.pk, forwarded.pk}


def test_the_deputy_has_one_place_for_messages_and_their_own_calls(wang_client):
    message_to(wang_client.wang)

    inbox = page(wang_client, "/work/messages/")
    mine = page(wang_client, "/work/mine/")

    for text in (inbox, mine):
        assert 'href="/work/messages/"' in text and 'href="/work/mine/"' in text
        assert "选民留言" in text and "我的工单" in text


def test_another_deputys_message_answers_404(wang_client):
    other = message_to(DeputyFactory(name="赵代表"))

    page(wang_client, f"/work/messages/{other.pk}/", status=404)
    response = wang_client.post(f"/work/messages/{other.pk}/answer/", keyed(text="越权"))
    assert response.status_code == 404


def test_roles_without_messages_are_refused(client, dan):
    client.force_login(dan)

    assert client.get("/work/messages/").status_code == 403


def test_the_message_page_shows_content_photos_and_actions(wang_client):
    message = message_to(wang_client.wang, content="村口桥梁护栏断了。")
    photo = MessagePhoto.objects.create(
        message=message,
        file=ContentFile(b"\xff\xd8\xff\xe0jpeg", name="p.jpg"),
        content_type="image/jpeg",
        size=8,
        uploaded_at=clock.now(),
    )

    text = page(wang_client, f"/work/messages/{message.pk}/")

    assert "村口桥梁护栏断了。" in text and CITIZEN_MASKED in text
    assert f"/work/messages/{message.pk}/photos/{photo.pk}/" in text
    for name in ("answer", "forward", "to-station", "to-liaison", "close"):
        assert f'id="do-{name}"' in text
    response = wang_client.get(f"/work/messages/{message.pk}/photos/{photo.pk}/")
    assert (
        response.status_code == 200
        and b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0jpeg"
    )


def test_a_photo_of_another_deputys_message_is_not_served(wang_client):
    other = message_to(DeputyFactory(name="赵代表"))
    photo = MessagePhoto.objects.create(
        message=other,
        file=ContentFile(b"jpeg", name="p.jpg"),
        content_type="image/jpeg",
        uploaded_at=clock.now(),
    )

    assert wang_client.get(f"/work/messages/{other.pk}/photos/{photo.pk}/").status_code == 404


def test_do_opens_one_form(wang_client):
    message = message_to(wang_client.wang)

    text = page(wang_client, f"/work/messages/{message.pk}/?do=answer")

    assert 'id="action-answer"' in text and 'id="action-close"' not in text
    assert 'name="idempotency_key"' in text


def test_answering_on_the_page_tells_the_citizen_and_a_double_submit_acts_once(wang_client):
    message = message_to(wang_client.wang)
    body = keyed(text="已联系社区，本周修好。")

    first = wang_client.post(f"/work/messages/{message.pk}/answer/", body)
    again = wang_client.post(f"/work/messages/{message.pk}/answer/", body)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == f"/work/messages/{message.pk}/"
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED
    assert message.events.filter(kind=MessageEventKind.ANSWERED).count() == 1
    assert len(sms_to(CITIZEN_PHONE, "mashang_answered")) == 1
    text = page(wang_client, f"/work/messages/{message.pk}/")
    assert "已答复，群众将收到短信提示查看。" in text and "已联系社区，本周修好。" in text


def test_an_empty_answer_comes_back_on_the_page_in_chinese(wang_client):
    message = message_to(wang_client.wang)

    response = wang_client.post(f"/work/messages/{message.pk}/answer/", keyed(text=""))

    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="action-answer"' in text and "请填写答复内容。" in text
    assert text.count("请填写答复内容。") == 1  # once, in its form
    message.refresh_from_db()
    assert message.status == MessageStatus.OPEN


def test_forwarding_on_the_page_shows_what_12345_refuses_and_makes_the_order(wang_client):
    message = message_to(wang_client.wang, content="村口桥梁护栏断了，很危险。")

    form = page(wang_client, f"/work/messages/{message.pk}/?do=forward")
    assert "12345不予受理的情形" in form and scope_reason("out_of_jurisdiction").title in form
    assert "村口桥梁护栏断了，很危险。" in form  # the title prefilled from the first words

    from minyi.reference.models import RequestType

    response = wang_client.post(
        f"/work/messages/{message.pk}/forward/",
        keyed(
            request_type=RequestType.objects.get(code="help").pk,
            title="村口桥梁护栏损坏",
            note="",
        ),
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.FORWARDED
    assert message.order.channel == Channel.QR_MESSAGE
    text = page(wang_client, f"/work/messages/{message.pk}/")
    assert f"工单 {message.order.number}" in text
    # the order page, as the deputy reads it: the citizen masked there too
    order_page = page(wang_client, f"/work/orders/{message.order.number}/")
    assert CITIZEN_MASKED in order_page
    # and it leads back to the message it came from
    assert f'href="/work/messages/{message.pk}/"' in order_page


def test_the_deputy_sees_at_once_why_12345_refused(wang_client, dan):
    message = message_forward(message=message_to(wang_client.wang), actor=wang_client.user)
    order_reject(
        order=message.order,
        reason=scope_reason("out_of_jurisdiction"),
        basis="依据《湖南省12345政务服务热线运行规范》，该事项属县级管辖。",
        actor=dan,
    )

    text = page(wang_client, f"/work/messages/{message.pk}/")

    assert "12345不予受理" in text
    assert scope_reason("out_of_jurisdiction").title in text
    assert "该事项属县级管辖" in text
    assert 'id="do-answer"' in text  # open again: theirs to answer
    assert "12345工单：不予受理" in text  # the order's own events, in the one timeline


def test_the_result_prefills_the_answer_and_the_citizen_gets_it(wang_client):
    message = message_forward(
        message=message_to(wang_client.wang, tracking_code="RESULT2345"), actor=wang_client.user
    )
    order_walk(message.order, "archived")

    text = page(wang_client, f"/work/messages/{message.pk}/")
    assert 'id="action-answer"' in text  # the answer form is open once the result is in
    assert "办理结果如下：已清理占道摊点，并安排城管队员每日巡查。" in text

    response = wang_client.post(
        f"/work/messages/{message.pk}/answer/",
        keyed(text="您好，经12345转城管部门办理，已清理占道摊点，并安排城管队员每日巡查。"),
    )
    assert response.status_code == 302
    [sms] = sms_to(CITIZEN_PHONE, "mashang_answered")
    assert sms.body == (
        "【码上找代表】王代表代表已答复您的留言（查询码RESULT2345），请凭查询码和手机号查看。"
    )


def test_handing_to_the_station_on_the_page_moves_it_out_of_the_deputys_hands(wang_client):
    message = message_to(wang_client.wang)

    response = wang_client.post(f"/work/messages/{message.pk}/to-station/", keyed(note="请协调"))

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.holder == Holder.STATION
    text = page(wang_client, f"/work/messages/{message.pk}/")
    assert 'id="do-answer"' not in text and "转交联络站" in text


def test_an_action_no_longer_allowed_is_refused_with_403(wang_client):
    message = message_to_station(message=message_to(wang_client.wang), actor=wang_client.user)

    response = wang_client.post(f"/work/messages/{message.pk}/close/", keyed(note="关闭"))

    assert response.status_code == 403


def test_closing_needs_a_note_on_the_page(wang_client):
    message = message_to(wang_client.wang)

    assert (
        wang_client.post(f"/work/messages/{message.pk}/close/", keyed(note="")).status_code == 400
    )
    response = wang_client.post(f"/work/messages/{message.pk}/close/", keyed(note="重复留言"))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == MessageStatus.CLOSED


def test_station_staff_see_what_was_handed_to_them_and_act_on_it(client):
    station, wang, user = station_and_deputy()
    sun = station_staff(station)
    kept = message_to(wang, content="代表自己处理的")
    handed = message_to_station(message=message_to(wang, content="交给站里的"), actor=user)
    client.force_login(sun)

    text = page(client, "/work/messages/")
    assert "交给站里的" in text and "代表自己处理的" not in text
    page(client, f"/work/messages/{kept.pk}/", status=404)
    detail = page(client, f"/work/messages/{handed.pk}/")
    assert 'id="do-answer"' in detail and 'id="do-to-liaison"' in detail
    assert 'id="do-to-station"' not in detail
    response = client.post(f"/work/messages/{handed.pk}/answer/", keyed(text="站里已协调。"))
    assert response.status_code == 302


def test_liaison_officers_see_only_what_was_handed_to_the_body(client):
    _, wang, user = station_and_deputy()
    liu = liaison_officer()
    from minyi.mashang.services.handling import message_to_liaison

    handed = message_to_liaison(message=message_to(wang, content="全县的事"), actor=user)
    message_to(wang, content="代表自己的")
    client.force_login(liu)

    text = page(client, "/work/messages/")
    assert "全县的事" in text and "代表自己的" not in text
    assert 'id="do-forward"' in page(client, f"/work/messages/{handed.pk}/")


def test_the_header_counts_the_deputys_waiting_messages(wang_client):
    message_to(wang_client.wang)
    message_to(wang_client.wang)

    text = page(wang_client, "/work/mine/")

    assert 'class="queue" href="/work/messages/">选民留言 <span class="count">2</span>' in text


def test_no_page_of_the_whole_loop_prints_the_citizens_full_phone(wang_client, dan, hana, carl):
    """Every page the deputy opens along the loop (inbox tabs, message, each form, the order)."""
    message = message_to(wang_client.wang, name="", is_anonymous=True)
    urls = ["/work/messages/", f"/work/messages/{message.pk}/"]
    urls += [f"/work/messages/{message.pk}/?do={name}" for name in ("answer", "forward", "close")]
    for url in urls:
        page(wang_client, url)
    message = message_forward(message=message, actor=wang_client.user)
    order_walk(message.order, "archived", dispatcher=dan, handler=hana, agent=carl)
    for tab in ("todo", "forwarded", "elsewhere", "done"):
        page(wang_client, f"/work/messages/?tab={tab}")
    page(wang_client, f"/work/messages/{message.pk}/")
    page(wang_client, f"/work/orders/{message.order.number}/")
    page(wang_client, "/work/mine/")
    page(wang_client, "/work/notices/")


def test_a_double_click_on_forward_makes_one_order(wang_client):
    from minyi.orders.models import WorkOrder
    from minyi.reference.models import RequestType

    message = message_to(wang_client.wang)
    body = keyed(request_type=RequestType.objects.get(code="help").pk, title="护栏损坏", note="")

    first = wang_client.post(f"/work/messages/{message.pk}/forward/", body)
    again = wang_client.post(f"/work/messages/{message.pk}/forward/", body)

    assert first.status_code == again.status_code == 302
    assert WorkOrder.objects.filter(deputy=wang_client.wang).count() == 1
    assert message.events.filter(kind=MessageEventKind.FORWARDED).count() == 1


def test_a_key_sent_again_with_other_content_is_refused_with_a_message(wang_client):
    message = message_to(wang_client.wang)
    body = keyed(text="第一次的答复")
    wang_client.post(f"/work/messages/{message.pk}/answer/", body)

    response = wang_client.post(
        f"/work/messages/{message.pk}/answer/", {**body, "text": "换了内容"}, follow=True
    )

    assert "这张表单已经提交过" in response.content.decode()
    message.refresh_from_db()
    assert message.answer == "第一次的答复"


def test_a_form_without_its_key_is_a_chinese_400(wang_client):
    message = message_to(wang_client.wang)

    response = wang_client.post(f"/work/messages/{message.pk}/answer/", {"text": "答复"})

    assert response.status_code == 400
    assert "表单缺少提交标识" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.OPEN


def test_a_notice_about_a_message_opens_the_message(wang_client):
    from minyi.notify.models import Notice
    from tests.mashang.deputy_side import notices_of

    message = message_forward(
        message=message_to(wang_client.wang, tracking_code="NOTICE2345"), actor=wang_client.user
    )
    order_walk(message.order, "archived")
    assert notices_of(wang_client.user)
    notice = Notice.objects.get(user=wang_client.user)

    assert "查看留言 NOTICE2345" in page(wang_client, "/work/notices/")
    response = wang_client.post("/work/notices/read/", {"id": notice.pk, "open": "1"})

    assert response["Location"] == f"/work/messages/{message.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_order_api_gives_the_deputy_the_forwarded_citizen_masked_and_no_reveal(wang_client):
    message = message_forward(message=message_to(wang_client.wang), actor=wang_client.user)
    number = message.order.number

    for url in ("/api/orders/", f"/api/orders/{number}/"):
        response = wang_client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert FULL not in body and CITIZEN_MASKED in body
    assert wang_client.post(f"/api/orders/{number}/reveal/").status_code in (403, 404)
