"""The citizen's pages: leaving a message (the code button without script, refusals beside
their field, double submits), the tracking code, the status page and the rating, the privacy
notice, the rate limits (429 + Retry-After), and the pages' size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from minyi.core import clock
from minyi.mashang.models import Message, MessageEventKind, MessageStatus
from minyi.mashang.services import code_for
from minyi.mashang.services.messages import message_transition
from minyi.notify.models import OutboxMessage
from tests.factories import DeputyFactory, LiaisonStationFactory, MessageFactory, keyed, seat
from tests.mashang.helpers import CITIZEN, CITIZEN_E164, code_sent, jpeg_with_gps

pytestmark = pytest.mark.django_db

TEXT = "村口小桥的栏杆断了，孩子上学经过很危险，请代表帮忙反映。"
PAGE_MAX = 100 * 1024


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wang():
    return DeputyFactory(name="王建国", introduction="银田村党支部书记，关注农村道路和养老。")


def form(**fields) -> dict:
    return keyed(
        {
            "content": TEXT,
            "name": "刘阿姨",
            "phone": CITIZEN,
            "sms_code": code_sent(),
            "consent": "on",
            "submit": "1",
            **fields,
        }
    )


def test_the_deputy_page_shows_the_introduction_and_invites_a_message(client, wang):
    page = client.get(code_for(wang).path).content.decode()

    assert "银田村党支部书记，关注农村道路和养老。" in page
    assert f'href="{code_for(wang).path}/message"' in page and "给代表留言" in page


def test_the_form_states_the_limit_and_links_the_privacy_notice(client, wang):
    page = client.get(f"{code_for(wang).path}/message").content.decode()

    assert "最多 1000 字" in page
    assert 'maxlength="1000"' in page
    assert 'href="/m/privacy"' in page and "获取验证码" in page
    assert 'enctype="multipart/form-data"' in page


def test_every_citizen_form_carries_the_csrf_token(client, wang):
    message = MessageFactory(phone=CITIZEN_E164, status=MessageStatus.ANSWERED, answer="已答复")
    pages = [
        client.get(f"{code_for(wang).path}/message"),
        client.get("/m/track"),
        client.post("/m/track", {"tracking_code": message.tracking_code, "phone": CITIZEN}),
    ]

    for page in pages:
        forms = page.content.decode().count("<form")
        assert forms and page.content.decode().count("csrfmiddlewaretoken") == forms


def test_the_code_button_sends_a_code_and_keeps_what_was_typed(client, wang):
    response = client.post(
        f"{code_for(wang).path}/message",
        keyed(content=TEXT, name="刘阿姨", phone=CITIZEN, send_code="1", consent="on"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "验证码已发送" in page
    assert TEXT in page and "刘阿姨" in page and CITIZEN in page
    assert OutboxMessage.objects.filter(template_code="mashang_sms_code").count() == 1
    assert not Message.objects.exists()


def test_a_second_code_within_the_minute_is_refused_with_the_wait_and_429(client, wang):
    url = f"{code_for(wang).path}/message"
    client.post(url, keyed(phone=CITIZEN, send_code="1"))
    response = client.post(url, keyed(phone=CITIZEN, send_code="1"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "验证码已发送，请1分钟后再试。" in response.content.decode()


def test_a_message_sent_shows_the_tracking_code_and_the_status_link(client, wang):
    response = client.post(f"{code_for(wang).path}/message", form())

    message = Message.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{message.tracking_code}"' in page
    assert 'href="/m/track"' in page
    assert message.name == "刘阿姨" and message.phone == CITIZEN_E164


def test_the_same_text_again_says_it_joined_the_first_message(client, wang):
    client.post(f"{code_for(wang).path}/message", form())
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        again = client.post(f"{code_for(wang).path}/message", form())

    page = again.content.decode()
    assert Message.objects.count() == 1
    assert "本次已并入原留言，查询码不变" in page
    assert Message.objects.get().tracking_code in page


def test_a_double_submit_sends_one_message_and_answers_the_same(client, wang):
    body = form()
    first = client.post(f"{code_for(wang).path}/message", body)
    second = client.post(f"{code_for(wang).path}/message", body)

    assert Message.objects.count() == 1
    tracking = Message.objects.get().tracking_code
    assert tracking in first.content.decode() and tracking in second.content.decode()


def test_the_same_key_with_other_content_is_refused_and_the_form_gets_a_new_key(client, wang):
    body = form()
    client.post(f"{code_for(wang).path}/message", body)
    response = client.post(f"{code_for(wang).path}/message", {**body, "content": "另一件事"})

    page = response.content.decode()
    assert "这张表单已经提交过" in page and "另一件事" in page
    assert body["idempotency_key"] not in page
    assert Message.objects.count() == 1


def test_without_consent_the_form_comes_back_with_the_reason_and_the_text(client, wang):
    body = form()
    del body["consent"]
    response = client.post(f"{code_for(wang).path}/message", body)

    page = response.content.decode()
    assert "请阅读并勾选同意《个人信息保护告知》后再提交。" in page
    assert TEXT in page
    assert not Message.objects.exists()


def test_a_wrong_code_is_said_beside_the_code_field(client, wang):
    body = form()
    body["sms_code"] = "000000" if body["sms_code"] != "000000" else "111111"
    page = client.post(f"{code_for(wang).path}/message", body).content.decode()

    assert "验证码不正确。" in page
    assert not Message.objects.exists()


def test_a_photo_goes_with_the_message(client, wang):
    body = form()
    body["photos"] = [jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg")]
    client.post(f"{code_for(wang).path}/message", body)

    assert Message.objects.get().photos.count() == 2


def test_a_station_code_without_a_chosen_deputy_goes_back_to_the_list(client):
    station = LiaisonStationFactory()
    response = client.get(f"{code_for(station).path}/message")

    assert response.status_code == 302 and response["Location"] == code_for(station).path


def test_a_station_code_with_a_deputy_that_is_no_number_goes_back_to_the_list(client):
    station = LiaisonStationFactory()
    for value in ("²", "abc", "9" * 30):
        response = client.get(f"{code_for(station).path}/message", {"deputy": value})
        assert response.status_code == 302


def test_a_station_code_refuses_a_deputy_not_of_the_station(client):
    station = LiaisonStationFactory()
    other = DeputyFactory(name="外站代表")

    response = client.get(f"{code_for(station).path}/message?deputy={other.pk}")

    assert response.status_code == 404
    assert "不属于本联络站" in response.content.decode()


def test_a_station_lists_a_write_link_per_deputy_and_its_form_sends_to_that_deputy(client):
    station = LiaisonStationFactory(name="银田镇人大代表联络站")
    li = DeputyFactory(name="李代表", mandate=None)
    seat(li, "韶山市人大", "county", station=station)
    url = f"{code_for(station).path}/message?deputy={li.pk}"

    assert url in client.get(code_for(station).path).content.decode()
    client.post(url, form())
    message = Message.objects.get()
    assert message.deputy == li and message.station == station


def test_an_anonymous_message_shows_no_name_to_anyone(client, wang):
    client.post(f"{code_for(wang).path}/message", form(anonymous="on"))

    message = Message.objects.get()
    assert message.name == "" and message.is_anonymous
    status = client.post("/m/track", {"tracking_code": message.tracking_code, "phone": CITIZEN})
    assert "刘阿姨" not in status.content.decode()
    for sms in OutboxMessage.objects.all():
        assert "刘阿姨" not in sms.body


# -- status and rating -------------------------------------------------------------------------


def answered(message: Message, answer: str = "已联系村委会，本周内修好栏杆。") -> Message:
    message_transition(
        message,
        MessageEventKind.ANSWERED,
        text=answer,
        status=MessageStatus.ANSWERED,
        answer=answer,
        answered_at=clock.now(),
    )
    return message


def test_the_status_page_shows_progress_in_plain_words_and_no_staff_detail(client):
    message = MessageFactory(phone=CITIZEN_E164)
    message_transition(message, MessageEventKind.CREATED)
    message_transition(message, MessageEventKind.FLAGGED, text="内部备注：疑似重复")
    answered(message)

    page = client.post(
        "/m/track", {"tracking_code": message.tracking_code.lower(), "phone": "138 1234 5678"}
    ).content.decode()

    assert "代表已答复" in page
    assert "您的留言" in page and message.content in page
    assert "已联系村委会，本周内修好栏杆。" in page
    assert "您的留言已送达代表" in page
    assert "内部备注" not in page and "恶意" not in page
    assert "代表答复了吗？" in page and "基本满意" in page


def test_a_wrong_phone_finds_nothing_like_an_unknown_code(client):
    message = MessageFactory(phone=CITIZEN_E164)

    wrong = client.post(
        "/m/track", {"tracking_code": message.tracking_code, "phone": "13900000000"}
    )
    unknown = client.post("/m/track", {"tracking_code": "ZZZZZZZZZZ", "phone": CITIZEN})

    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "没有找到这条留言：请核对查询码和留言时填写的手机号码。" in response.content.decode()
    assert message.content not in wrong.content.decode()
    assert "王小明" not in wrong.content.decode()


def test_the_status_page_takes_the_tracking_code_and_phone_by_post_only(client):
    page = client.get("/m/track").content.decode()

    assert 'method="post"' in page and 'action="/m/track"' in page


def test_a_rating_is_taken_once_and_a_second_is_refused_politely(client):
    message = answered(MessageFactory(phone=CITIZEN_E164))
    body = {
        "tracking_code": message.tracking_code,
        "phone": CITIZEN,
        "answered": "yes",
        "rating": "basically",
    }

    first = client.post("/m/track/rate", keyed(body))
    second = client.post("/m/track/rate", keyed(body, rating="unsatisfied"))

    message.refresh_from_db()
    assert message.rating == "basically" and message.rating_answered is True
    assert message.events.filter(kind=MessageEventKind.RATED).count() == 1
    assert "感谢您的评价！" in first.content.decode()
    assert "您已经评价过这条留言，感谢您的反馈。" in second.content.decode()


def test_no_rating_before_the_answer(client):
    message = MessageFactory(phone=CITIZEN_E164)
    page = client.post(
        "/m/track", {"tracking_code": message.tracking_code, "phone": CITIZEN}
    ).content.decode()

    assert "代表已收到，正在处理" in page and "代表答复了吗？" not in page


# -- rate limits, privacy, sizes ----------------------------------------------------------------


def test_too_many_lookups_from_one_address_answer_429_with_retry_after(client, settings):
    settings.MINYI_MASHANG = {
        **settings.MINYI_MASHANG,
        "RATES": {**settings.MINYI_MASHANG["RATES"], "track": "3/m"},
    }
    for _ in range(3):
        assert client.get("/m/track").status_code == 200
    response = client.post("/m/track", {"tracking_code": "X", "phone": CITIZEN})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "操作过于频繁，请" in response.content.decode()


def test_too_many_messages_from_one_address_keep_the_text_and_answer_429(client, wang, settings):
    settings.MINYI_MASHANG = {
        **settings.MINYI_MASHANG,
        "RATES": {**settings.MINYI_MASHANG["RATES"], "message": "1/h"},
    }
    client.post(f"{code_for(wang).path}/message", form())
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        response = client.post(
            f"{code_for(wang).path}/message", form(content="第二条留言", phone="13912345678")
        )

    assert Message.objects.count() == 1
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "第二条留言" in response.content.decode()


def test_the_privacy_notice_says_what_why_who_how_long_and_the_rights(client, settings):
    settings.MINYI_MASHANG = {**settings.MINYI_MASHANG, "RETENTION_DAYS": 365}
    page = client.get("/m/privacy").content.decode()

    for words in (
        "个人信息保护法",
        "留言内容",
        "手机号码",
        "照片",
        "为什么收集",
        "12345",
        "看不到您的完整号码",
        "留言办结后保存365天",
        "删除",
        "撤回同意",
    ):
        assert words in page


@pytest.mark.parametrize("path", ["/m/", "/m/privacy", "/m/track", "MESSAGE", "STATUS"])
def test_the_citizen_pages_stay_under_100_kb_and_need_no_script(client, wang, path):
    if path == "MESSAGE":
        response = client.get(f"{code_for(wang).path}/message")
    elif path == "STATUS":
        message = answered(MessageFactory(phone=CITIZEN_E164, deputy=wang))
        response = client.post(
            "/m/track", {"tracking_code": message.tracking_code, "phone": CITIZEN}
        )
    else:
        response = client.get(path)

    assert response.status_code == 200
    assert len(response.content) < PAGE_MAX
    assert b"<script" not in response.content
