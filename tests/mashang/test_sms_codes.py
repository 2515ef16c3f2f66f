"""SMS codes of 码上找代表: 6 digits through the outbox, 5 minutes, hashed, limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from minyi.core import clock
from minyi.mashang.models import SmsCode, SmsCodePurpose
from minyi.mashang.services.verification import (
    CodeRefused,
    TooMany,
    sms_code_check,
    sms_code_issue,
)
from minyi.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_code_goes_out_by_sms_in_these_words_and_only_its_hash_is_stored():
    issued = sms_code_issue(phone=PHONE, ip="10.0.0.1")

    sms = OutboxMessage.objects.get(template_code="mashang_sms_code")
    assert sms.recipient_phone == "+8613812345678"
    assert sms.body == f"【码上找代表】您的验证码是{issued.code}，5分钟内有效。请勿告诉他人。"
    assert len(issued.code) == 6 and issued.code.isdigit()
    row = SmsCode.objects.get()
    stored = " ".join(str(v) for v in row.__dict__.values())
    assert issued.code not in stored
    assert "13812345678" not in stored


def test_the_right_code_works_once():
    issued = sms_code_issue(phone=PHONE)

    assert sms_code_check(phone="138 1234 5678", code=issued.code) == "+8613812345678"
    with pytest.raises(CodeRefused, match="已过期或未获取"):
        sms_code_check(phone=PHONE, code=issued.code)


def test_a_code_expires_after_five_minutes():
    start = clock.now()
    issued = sms_code_issue(phone=PHONE)

    with clock.frozen(start + timedelta(minutes=4, seconds=50)):
        sms_code_check(phone=PHONE, code=issued.code)
    issued = sms_code_issue(phone="13912345678")
    with (
        clock.frozen(start + timedelta(minutes=5, seconds=1)),
        pytest.raises(CodeRefused, match="已过期"),
    ):
        sms_code_check(phone="13912345678", code=issued.code)


def test_five_wrong_tries_spend_the_code_even_when_each_try_rolls_back():
    issued = sms_code_issue(phone=PHONE)
    wrong = f"{(int(issued.code) + 1) % 10**6:06d}"
    for _ in range(4):
        with pytest.raises(CodeRefused, match="不正确"):
            sms_code_check(phone=PHONE, code=wrong)
    with pytest.raises(CodeRefused, match="次数过多"):
        sms_code_check(phone=PHONE, code=wrong)

    with pytest.raises(CodeRefused, match="次数过多"):
        sms_code_check(phone=PHONE, code=issued.code)


def test_a_code_for_the_login_does_not_open_a_message():
    issued = sms_code_issue(phone=PHONE, purpose=SmsCodePurpose.LOGIN)

    with pytest.raises(CodeRefused):
        sms_code_check(phone=PHONE, code=issued.code, purpose=SmsCodePurpose.MESSAGE)


def test_a_number_gets_one_code_a_minute_and_five_an_hour():
    start = clock.now()
    sms_code_issue(phone=PHONE)
    with pytest.raises(TooMany, match="请1分钟后再试") as refused:
        sms_code_issue(phone=PHONE)
    assert 0 < refused.value.retry_after <= 60
    for minute in range(1, 5):
        with clock.frozen(start + timedelta(seconds=61 * minute)):
            sms_code_issue(phone=PHONE)

    with clock.frozen(start + timedelta(seconds=61 * 5)), pytest.raises(TooMany, match="过于频繁"):
        sms_code_issue(phone=PHONE)


def test_one_address_gets_twenty_codes_an_hour_whatever_the_numbers():
    for n in range(20):
        sms_code_issue(phone=f"139{n:08d}", ip="10.0.0.9")

    with pytest.raises(TooMany, match="获取验证码过于频繁"):
        sms_code_issue(phone="13700000000", ip="10.0.0.9")
    sms_code_issue(phone="13700000000", ip="10.0.0.10")


def test_a_landline_or_nonsense_gets_no_code():
    with pytest.raises(CodeRefused):
        sms_code_issue(phone="0731-85309270")
    with pytest.raises(CodeRefused):
        sms_code_issue(phone="abc")
    assert not SmsCode.objects.exists()
