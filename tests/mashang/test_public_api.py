"""码上找代表's public JSON API, exactly as the contracts in README say: no log-in, no CSRF,
structured errors, 429 with Retry-After, Idempotency-Key honoured on the POSTs."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from minyi.core import clock
from minyi.mashang.models import Message, MessageEventKind, MessageStatus, SmsCode
from minyi.mashang.services import code_for
from minyi.mashang.services.messages import message_transition
from minyi.notify.models import OutboxMessage
from tests.factories import DeputyFactory, LiaisonStationFactory, MessageFactory, seat
from tests.mashang.helpers import CITIZEN, CITIZEN_E164, code_sent, jpeg_with_gps

pytestmark = pytest.mark.django_db

TEXT = "小区电梯经常停运，老人上下楼很困难，希望代表帮忙反映。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """A client that enforces CSRF like a browser would: the public API needs none."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def wang():
    return DeputyFactory(name="王建国")


def post(api, path, body, **headers):
    return api.post(path, json.dumps(body), content_type="application/json", headers=headers)


def message_body(deputy, **fields) -> dict:
    return {
        "code": code_for(deputy).code,
        "phone": CITIZEN,
        "sms_code": code_sent(),
        "content": TEXT,
        "name": "刘阿姨",
        "anonymous": False,
        "consent": True,
        **fields,
    }


def test_post_sms_codes_answers_202_and_the_code_goes_through_the_outbox(api):
    response = post(api, "/api/public/sms-codes", {"phone": CITIZEN})

    assert response.status_code == 202
    assert response.json() == {"expires_in": 300}
    assert OutboxMessage.objects.get(template_code="mashang_sms_code").recipient_phone == (
        CITIZEN_E164
    )


def test_a_bad_phone_is_a_structured_400(api):
    response = post(api, "/api/public/sms-codes", {"phone": "12"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "phone_invalid" and body["fields"] == {"phone": [body["error"]]}


def test_a_second_code_within_the_minute_is_429_with_retry_after(api):
    post(api, "/api/public/sms-codes", {"phone": CITIZEN})
    response = post(api, "/api/public/sms-codes", {"phone": CITIZEN})

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 0 < int(response["Retry-After"]) <= 61


def test_post_messages_answers_201_with_the_tracking_code_only(api, wang):
    response = post(api, "/api/public/messages", message_body(wang))

    assert response.status_code == 201
    message = Message.objects.get()
    assert response.json() == {"tracking_code": message.tracking_code}
    assert message.deputy == wang and message.phone == CITIZEN_E164


def test_post_messages_through_a_station_names_the_deputy(api):
    station = LiaisonStationFactory()
    li = DeputyFactory(name="李代表", mandate=None)
    seat(li, "韶山市人大", "county", station=station)
    body = message_body(li, code=code_for(station).code)

    missing = post(api, "/api/public/messages", body)
    chosen = post(api, "/api/public/messages", {**body, "deputy": li.pk})

    assert missing.status_code == 400 and missing.json()["code"] == "deputy_required"
    assert chosen.status_code == 201
    assert Message.objects.get().station == station


def test_post_messages_refusals_are_structured(api, wang):
    body = message_body(wang)
    no_consent = post(api, "/api/public/messages", {**body, "consent": False})
    assert no_consent.status_code == 400
    assert no_consent.json() == {
        "error": "请阅读并勾选同意《个人信息保护告知》后再提交。",
        "code": "consent_required",
        "fields": {"consent": ["请阅读并勾选同意《个人信息保护告知》后再提交。"]},
    }
    unknown = post(api, "/api/public/messages", {**body, "code": "2222222222"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "code_not_found"
    missing = post(api, "/api/public/messages", {"code": code_for(wang).code})
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    assert set(missing.json()["fields"]) >= {"phone", "sms_code", "content"}
    assert not Message.objects.exists()


def test_post_messages_takes_photos_by_multipart(api, wang):
    body = {**message_body(wang), "photos": [jpeg_with_gps()], "consent": "true"}
    response = api.post("/api/public/messages", body)

    assert response.status_code == 201
    assert Message.objects.get().photos.count() == 1


def test_the_same_idempotency_key_sends_one_message_and_replays_the_answer(api, wang):
    body = message_body(wang)
    key = str(uuid.uuid4())

    first = post(api, "/api/public/messages", body, **{"Idempotency-Key": key})
    second = post(api, "/api/public/messages", body, **{"Idempotency-Key": key})

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 1


def test_get_message_answers_the_progress_in_plain_words_and_the_timeline(api):
    message = MessageFactory(phone=CITIZEN_E164)
    message_transition(message, MessageEventKind.CREATED)
    message_transition(
        message,
        MessageEventKind.ANSWERED,
        text="已协调物业，本周检修电梯。",
        status=MessageStatus.ANSWERED,
        answer="已协调物业，本周检修电梯。",
        answered_at=clock.now(),
    )

    response = api.get(f"/api/public/messages/{message.tracking_code}", {"phone": CITIZEN})

    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == message.tracking_code
    assert body["status"] == "answered" and body["status_text"] == "代表已答复"
    assert body["answer"] == "已协调物业，本周检修电梯。"
    assert body["content"] == message.content
    assert [step["text"] for step in body["timeline"]] == ["您的留言已送达代表", "代表已答复"]
    assert body["timeline"][0]["at"].endswith("+08:00")
    assert body["may_rate"] is True and body["rating"] == "" and body["rating_answered"] is None
    assert "phone" not in body and "name" not in body


def test_get_message_with_a_wrong_phone_is_404_like_an_unknown_code(api):
    message = MessageFactory(phone=CITIZEN_E164)

    wrong = api.get(f"/api/public/messages/{message.tracking_code}", {"phone": "13900000000"})
    unknown = api.get("/api/public/messages/ZZZZZZZZZZ", {"phone": CITIZEN})

    assert wrong.status_code == unknown.status_code == 404
    assert (
        wrong.json()
        == unknown.json()
        == {
            "error": "没有找到这条留言：请核对查询码和手机号码。",
            "code": "not_found",
        }
    )


def test_rating_once_then_409(api):
    message = MessageFactory(phone=CITIZEN_E164, status=MessageStatus.ANSWERED, answer="已答复")
    path = f"/api/public/messages/{message.tracking_code}/rating"
    body = {"phone": CITIZEN, "answered": True, "rating": "satisfied"}

    first = post(api, path, body)
    second = post(api, path, {**body, "rating": "unsatisfied"})

    assert first.status_code == 200 and first.json()["rating"] == "satisfied"
    assert second.status_code == 409 and second.json()["code"] == "already_rated"
    message.refresh_from_db()
    assert message.rating == "satisfied" and message.rating_answered is True


def test_rating_before_the_answer_is_409_and_a_bad_rating_400(api):
    message = MessageFactory(phone=CITIZEN_E164)
    path = f"/api/public/messages/{message.tracking_code}/rating"

    early = post(api, path, {"phone": CITIZEN, "answered": True, "rating": "satisfied"})
    bad = post(api, path, {"phone": CITIZEN, "answered": True, "rating": "great"})
    wrong = post(api, path, {"phone": "13900000000", "answered": True, "rating": "satisfied"})

    assert early.status_code == 409 and early.json()["code"] == "not_answered_yet"
    assert bad.status_code == 400 and "rating" in bad.json()["fields"]
    assert wrong.status_code == 404


def test_too_many_lookups_from_one_address_are_429_with_retry_after(api, settings):
    rates = {**settings.MINYI_MASHANG["RATES"], "track": "2/m"}
    settings.MINYI_MASHANG = {**settings.MINYI_MASHANG, "RATES": rates}
    for _ in range(2):
        api.get("/api/public/messages/ZZZZZZZZZZ", {"phone": CITIZEN})
    response = api.get("/api/public/messages/ZZZZZZZZZZ", {"phone": CITIZEN})

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited" and "操作过于频繁" in response.json()["error"]
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_four_endpoints_are_in_the_openapi_schema(client, admin_client):
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()

    paths = schema["paths"]
    assert "post" in paths["/api/public/sms-codes"]
    assert "post" in paths["/api/public/messages"]
    assert "get" in paths["/api/public/messages/{tracking_code}"]
    assert "post" in paths["/api/public/messages/{tracking_code}/rating"]
    assert "429" in paths["/api/public/messages"]["post"]["responses"]


def test_no_sms_code_is_left_in_a_sent_row_nor_stored(api):
    from minyi.notify.services import outbox_send

    post(api, "/api/public/sms-codes", {"phone": CITIZEN})
    row = OutboxMessage.objects.get(template_code="mashang_sms_code")
    code = row.params["code"]
    outbox_send(row.pk)

    row.refresh_from_db()
    assert row.status == "sent"
    assert code not in row.body and code not in json.dumps(row.params)
    assert row.body == "【码上找代表】您的验证码是******，5分钟内有效。请勿告诉他人。"
    assert SmsCode.objects.count() == 1


def test_an_sms_code_request_repeated_with_its_key_sends_one_code(api):
    key = str(uuid.uuid4())
    first = post(api, "/api/public/sms-codes", {"phone": CITIZEN}, **{"Idempotency-Key": key})
    again = post(api, "/api/public/sms-codes", {"phone": CITIZEN}, **{"Idempotency-Key": key})

    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert OutboxMessage.objects.filter(template_code="mashang_sms_code").count() == 1


def test_a_malformed_idempotency_key_is_a_structured_400(api):
    response = post(api, "/api/public/sms-codes", {"phone": CITIZEN}, **{"Idempotency-Key": "x"})

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_malformed"


def test_the_timeline_names_no_staff_and_carries_no_internal_note(api):
    from tests.factories import UserFactory

    message = MessageFactory(phone=CITIZEN_E164)
    staff = UserFactory(last_name="赵", first_name="联络员")
    message_transition(message, MessageEventKind.CREATED)
    message_transition(message, MessageEventKind.DEPUTY_REMINDED, actor=staff, text="提醒代表")
    message_transition(
        message, MessageEventKind.CLOSED, actor=staff, text="内部：已电话核实", status="closed"
    )

    body = api.get(f"/api/public/messages/{message.tracking_code}", {"phone": CITIZEN}).json()

    text = json.dumps(body, ensure_ascii=False)
    assert [s["text"] for s in body["timeline"]] == ["您的留言已送达代表", "留言已办结"]
    assert "赵" not in text and "内部" not in text and "提醒" not in text
    assert body["status_text"] == "已办结" and body["may_rate"] is True


def test_the_same_text_again_answers_the_first_tracking_code(api, wang):
    first = post(api, "/api/public/messages", message_body(wang))
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        again = post(api, "/api/public/messages", message_body(wang))

    assert again.status_code == 201 and again.json() == first.json()
    assert Message.objects.get().repeats == 1


def test_too_many_message_posts_from_one_address_are_429(api, wang, settings):
    rates = {**settings.MINYI_MASHANG["RATES"], "message": "1/h", "sms_code": "1/h"}
    settings.MINYI_MASHANG = {**settings.MINYI_MASHANG, "RATES": rates}
    body = message_body(wang)
    post(api, "/api/public/messages", {**body, "consent": False})
    messages = post(api, "/api/public/messages", body)
    post(api, "/api/public/sms-codes", {"phone": "13900000000"})
    codes = post(api, "/api/public/sms-codes", {"phone": "13700000000"})

    for response in (messages, codes):
        assert response.status_code == 429
        assert response.json()["code"] == "rate_limited"
        assert int(response["Retry-After"]) > 0
    assert not Message.objects.exists()


def test_a_keyed_rating_keeps_no_message_text_in_the_key_row_and_replays_the_answer(api):
    from minyi.core.models import IdempotencyKey

    message = MessageFactory(phone=CITIZEN_E164, status=MessageStatus.ANSWERED, answer="路灯已修好")
    path = f"/api/public/messages/{message.tracking_code}/rating"
    body = {"phone": CITIZEN, "answered": True, "rating": "satisfied"}
    key = {"HTTP_IDEMPOTENCY_KEY": "7d7c3f0e-6f0a-4c1e-9a51-1f2b3c4d5e6f"}

    first = api.post(path, body, format="json", **key)
    again = api.post(path, body, format="json", **key)

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["answer"] == "路灯已修好"
    stored = str(IdempotencyKey.objects.get().result)
    assert message.content not in stored and "路灯已修好" not in stored
