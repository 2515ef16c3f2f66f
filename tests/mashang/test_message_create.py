"""message_create: a citizen's message through a code, with every check the form and the API
rely on (the SMS code, consent, the deputy of the code, blocked numbers, limits, folding,
photos without GPS) and the SMS with the tracking code in its exact words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from PIL import Image

from minyi.core import clock
from minyi.mashang.models import (
    BlockedPhone,
    Message,
    MessageEventKind,
    MessageStatus,
    SmsCode,
)
from minyi.mashang.services import code_for
from minyi.mashang.services.messages import BLOCKED, MessageRefused, message_create
from minyi.mashang.services.verification import CodeRefused, TooMany, digest
from minyi.notify.models import OutboxMessage
from minyi.uploads.errors import UploadRefused
from tests.factories import DeputyFactory, LiaisonStationFactory, UserFactory, seat
from tests.mashang.helpers import CITIZEN, CITIZEN_E164, GPS_IFD, code_sent, jpeg_with_gps, pdf_file

pytestmark = pytest.mark.django_db

TEXT = "小区门口的路灯坏了一个月，晚上很黑，老人出门不方便，请代表帮忙反映。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wang():
    return DeputyFactory(name="王建国")


def send(code, *, deputy=None, phone=CITIZEN, sms=None, content=TEXT, **fields):
    fields.setdefault("consent", True)
    return message_create(
        code=code,
        deputy=deputy,
        phone=phone,
        sms_code=sms if sms is not None else code_sent(phone),
        content=content,
        **fields,
    )


def test_a_message_is_stored_with_its_event_and_the_citizen_gets_the_tracking_code_by_sms(wang):
    created = send(code_for(wang), name="刘阿姨", ip="10.0.0.9")

    message = created.message
    assert not created.folded
    assert message.deputy == wang and message.status == MessageStatus.OPEN
    assert message.name == "刘阿姨" and not message.is_anonymous
    assert message.phone == CITIZEN_E164 and message.consent_at is not None
    assert message.ip_digest == digest("10.0.0.9", purpose="ip")
    assert [e.kind for e in message.events.all()] == [MessageEventKind.CREATED]
    sms = OutboxMessage.objects.get(template_code="mashang_message_received")
    assert sms.recipient_phone == CITIZEN_E164
    assert sms.body == (
        f"【码上找代表】您给王建国代表的留言已收到，查询码{message.tracking_code}，"
        "可凭查询码和手机号查看办理进展。"
    )


def test_an_anonymous_message_keeps_no_name_even_when_one_was_typed(wang):
    message = send(code_for(wang), name="刘阿姨", anonymous=True).message

    assert message.name == "" and message.is_anonymous


def test_no_consent_no_message_and_the_sms_code_stays_unspent(wang):
    sms = code_sent()
    with pytest.raises(MessageRefused, match="个人信息保护告知") as refused:
        send(code_for(wang), sms=sms, consent=False)

    assert refused.value.code == "consent_required"
    assert not Message.objects.exists()
    assert send(code_for(wang), sms=sms).message


def test_a_wrong_sms_code_stores_nothing(wang):
    code_sent()
    with pytest.raises(CodeRefused, match="不正确"):
        send(code_for(wang), sms="000000" if code_sent != "000000" else "111111")

    assert not Message.objects.exists()


def test_content_over_the_limit_is_refused_saying_the_limit(wang):
    with pytest.raises(MessageRefused, match="最多1000字（现为1001字）"):
        send(code_for(wang), content="路" * 1001)


def test_a_station_code_needs_one_of_its_own_deputies():
    station = LiaisonStationFactory(name="银田镇人大代表联络站")
    ours = DeputyFactory(name="李代表", mandate=None)
    seat(ours, "韶山市人大", "county", station=station)
    other = DeputyFactory(name="外站代表")

    with pytest.raises(MessageRefused, match="请先选择"):
        send(code_for(station))
    with pytest.raises(MessageRefused, match="不属于本联络站"):
        send(code_for(station), deputy=other, phone="13912345678")
    message = send(code_for(station), deputy=ours, phone="13712345678").message

    assert message.deputy == ours and message.station == station
    assert message.via == code_for(station)


def test_a_deputy_code_takes_no_other_deputy(wang):
    with pytest.raises(MessageRefused, match="与二维码不符"):
        send(code_for(wang), deputy=DeputyFactory())


def test_a_blocked_number_is_refused_in_neutral_words(wang):
    BlockedPhone.objects.create(
        phone_digest=digest(CITIZEN_E164, purpose="phone"),
        phone_masked="138****5678",
        reason="辱骂",
        blocked_by=UserFactory(),
        blocked_at=clock.now(),
    )

    with pytest.raises(MessageRefused) as refused:
        send(code_for(wang))

    assert refused.value.message == BLOCKED and "屏蔽" not in BLOCKED
    assert not Message.objects.exists()


def test_a_lifted_block_lets_the_number_write_again(wang):
    BlockedPhone.objects.create(
        phone_digest=digest(CITIZEN_E164, purpose="phone"),
        phone_masked="138****5678",
        reason="辱骂",
        blocked_by=UserFactory(),
        blocked_at=clock.now(),
        lifted_at=clock.now(),
    )

    assert send(code_for(wang)).message


def test_the_same_text_from_the_same_phone_folds_into_the_first_message_without_a_new_sms(wang):
    first = send(code_for(wang)).message
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        again = send(code_for(wang), content=f"  {TEXT}\n")

    assert again.folded and again.message.pk == first.pk
    assert again.message.tracking_code == first.tracking_code
    assert Message.objects.count() == 1
    first.refresh_from_db()
    assert first.repeats == 1
    assert first.events.filter(kind=MessageEventKind.REPEATED).count() == 1
    assert OutboxMessage.objects.filter(template_code="mashang_message_received").count() == 1


def test_the_same_text_after_the_first_was_answered_is_a_new_message(wang):
    first = send(code_for(wang)).message
    Message.objects.filter(pk=first.pk).update(status=MessageStatus.ANSWERED)
    with clock.frozen(clock.now() + timedelta(minutes=2)):
        again = send(code_for(wang))

    assert not again.folded and again.message.pk != first.pk


def test_a_phone_may_leave_five_messages_a_day_then_is_told_how_long_to_wait(wang, settings):
    start = clock.now()
    for n in range(5):
        with clock.frozen(start + timedelta(hours=n)):
            send(code_for(wang), content=f"{TEXT}第{n}条")
    with clock.frozen(start + timedelta(hours=5)), pytest.raises(TooMany) as refused:
        send(code_for(wang), content="第六条")

    assert refused.value.message == "这个号码今天的留言已达上限，请20小时后再试。"
    assert refused.value.retry_after == 19 * 3600 + 1
    # the refused message left its code unspent
    assert SmsCode.objects.filter(used_at=None).count() == 1


def test_an_address_and_a_deputy_have_their_hourly_limits(wang, settings):
    settings.MINYI_MASHANG = {
        **settings.MINYI_MASHANG,
        "MESSAGES_PER_IP_HOUR": 2,
        "MESSAGES_PER_DEPUTY_HOUR": 3,
    }
    for n, phone in enumerate(["13800000001", "13800000002"]):
        send(code_for(wang), phone=phone, content=f"第{n}条", ip="10.0.0.1")
    with pytest.raises(TooMany, match="留言过于频繁"):
        send(code_for(wang), phone="13800000003", content="第三条", ip="10.0.0.1")
    send(code_for(wang), phone="13800000004", content="第四条", ip="10.0.0.2")
    with pytest.raises(TooMany, match="近期收到的留言较多"):
        send(code_for(wang), phone="13800000005", content="第五条", ip="10.0.0.3")


def test_a_photo_with_a_gps_position_is_stored_without_it(wang):
    message = send(code_for(wang), photos=[jpeg_with_gps()]).message

    photo = message.photos.get()
    assert photo.content_type == "image/jpeg"
    with photo.file.open("rb") as stored:
        exif = Image.open(stored).getexif()
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(wang):
    with pytest.raises(UploadRefused, match="只能上传照片"):
        send(code_for(wang), photos=[pdf_file()])

    assert not Message.objects.exists()


def test_four_photos_are_refused(wang):
    with pytest.raises(UploadRefused, match="最多上传3张照片"):
        send(code_for(wang), photos=[jpeg_with_gps(f"{n}.jpg") for n in range(4)])
