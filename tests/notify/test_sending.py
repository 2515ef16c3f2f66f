"""Sending the outbox: leases, retries with backoff, the file and Tencent backends."""

import json
from datetime import timedelta
from unittest import mock

import pytest

from minyi.core import clock
from minyi.notify.backends import SendError, Sms, TencentBackend
from minyi.notify.models import OutboxMessage
from minyi.notify.services import _claim, outbox_send, outbox_sweep
from tests.factories import MONDAY, make_order

pytestmark = pytest.mark.django_db


class Flaky:
    """A provider that is down."""

    def send(self, sms):
        raise SendError("网关超时")


@pytest.fixture
def message(olivia):
    with clock.frozen(MONDAY):
        order = make_order("accepted", operator=olivia)
    return OutboxMessage.objects.get(order=order, template_code="order_accepted")


def test_a_message_is_written_to_the_file_once_and_marked_sent(message, sms_file):
    with clock.frozen(MONDAY):
        assert outbox_send(message.pk) == "sent"
        assert outbox_send(message.pk) == "sent"  # already sent: not claimed again
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == ("sent", 1, MONDAY)
    lines = [json.loads(line) for line in sms_file.read_text().splitlines()]
    key = message.idempotency_key.replace("+8613800138000", "138****8000")
    assert [(x["key"], x["phone"], x["body"]) for x in lines] == [
        (key, "138****8000", message.body)
    ]
    assert message.provider_message_id == "file:1"


def test_the_file_backend_refuses_a_second_line_with_the_same_key(sms_file):
    from minyi.notify.backends import FileBackend

    sms = Sms("k1", "+8613800138000", "order_accepted", "", {}, (), "正文")
    backend = FileBackend(sms_file)
    assert backend.send(sms) == backend.send(sms) == "file:1"
    assert len(sms_file.read_text().splitlines()) == 1


def test_a_row_leased_by_a_live_worker_is_not_taken_until_the_lease_expires(message, settings):
    with clock.frozen(MONDAY):
        assert _claim(message.pk, clock.now()) is not None
        assert _claim(message.pk, clock.now()) is None
    later = MONDAY + timedelta(seconds=settings.MINYI_SMS["LEASE_SECONDS"] + 1)
    with clock.frozen(later):
        assert _claim(message.pk, clock.now()).attempts == 2


def test_failures_are_retried_with_backoff_then_marked_failed(message, settings):
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "tests.notify.test_sending.Flaky",
        "MAX_ATTEMPTS": 3,
        "BACKOFF_SECONDS": 30,
    }
    now = MONDAY
    for attempt, wait in ((1, 30), (2, 60)):
        with clock.frozen(now):
            assert outbox_send(message.pk) == "pending"
            message.refresh_from_db()
            assert (message.attempts, message.last_error) == (attempt, "网关超时")
            assert message.next_attempt_at == now + timedelta(seconds=wait)
            assert outbox_sweep()["sent"] == 0  # not due yet
        now += timedelta(seconds=wait)
    with clock.frozen(now):
        assert outbox_sweep()["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)


def test_a_message_whose_worker_died_on_the_last_attempt_is_marked_failed(message, settings):
    settings.MINYI_SMS = {**settings.MINYI_SMS, "MAX_ATTEMPTS": 1}
    with clock.frozen(MONDAY):
        _claim(message.pk, clock.now())  # … and the worker is killed
    with clock.frozen(MONDAY + timedelta(hours=1)):
        assert outbox_sweep()["failed"] == 1
    message.refresh_from_db()
    assert message.status == "failed"


def test_the_tencent_adapter_maps_the_template_parameters_in_order(message, settings):
    from minyi.notify.models import MessageTemplate

    MessageTemplate.objects.filter(code="order_accepted").update(provider_template_code="1234567")
    config = {
        "SECRET_ID": "id",
        "SECRET_KEY": "key",
        "SDK_APP_ID": "1400000000",
        "SIGN_NAME": "某市12345",
        "REGION": "ap-guangzhou",
    }
    settings.MINYI_SMS = {**settings.MINYI_SMS, "BACKEND": "tencent", "TENCENT": config}
    client = mock.Mock()
    client.SendSms.return_value.SendStatusSet = [
        mock.Mock(Code="Ok", SerialNo="2433:abc", Message="send success")
    ]
    with mock.patch.object(TencentBackend, "client", return_value=client), clock.frozen(MONDAY):
        assert outbox_send(message.pk) == "sent"
    request = client.SendSms.call_args.args[0]
    assert request.SmsSdkAppId == "1400000000" and request.SignName == "某市12345"
    assert request.TemplateId == "1234567"
    # the seeded text uses {title} first, then {number}
    assert request.TemplateParamSet == [message.params["title"], message.params["number"]]
    assert request.PhoneNumberSet == ["+8613800138000"]
    assert request.SessionContext == message.idempotency_key
    message.refresh_from_db()
    assert message.provider_message_id == "2433:abc"


def test_a_tencent_refusal_is_kept_as_the_error_and_retried(message, settings):
    config = {"SECRET_ID": "id", "SECRET_KEY": "k", "SDK_APP_ID": "1", "SIGN_NAME": "s"}
    settings.MINYI_SMS = {**settings.MINYI_SMS, "BACKEND": "tencent", "TENCENT": config}
    from minyi.notify.models import MessageTemplate

    MessageTemplate.objects.filter(code="order_accepted").update(provider_template_code="9")
    client = mock.Mock()
    client.SendSms.return_value.SendStatusSet = [
        mock.Mock(Code="LimitExceeded.PhoneNumberDailyLimit", Message="单日上限", SerialNo="")
    ]
    with mock.patch.object(TencentBackend, "client", return_value=client), clock.frozen(MONDAY):
        assert outbox_send(message.pk) == "pending"
    message.refresh_from_db()
    assert "PhoneNumberDailyLimit" in message.last_error


def test_the_tencent_adapter_refuses_to_start_without_credentials(settings):
    settings.MINYI_SMS = {**settings.MINYI_SMS, "TENCENT": {"SECRET_ID": "", "SECRET_KEY": ""}}
    with pytest.raises(SendError, match="MINYI_SMS_TENCENT_SECRET_ID"):
        TencentBackend()
