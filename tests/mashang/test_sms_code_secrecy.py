"""An SMS code is never kept in clear: the outbox row is blanked once sent, the file backend
masks it — except, for a browser test only, with MINYI_SMS_FILE_KEEP_CODES=1, which a start
with a real provider or without the test backends allowed refuses."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from minyi.mashang.services.verification import sms_code_issue
from minyi.notify.backends import FileBackend, Sms
from minyi.notify.models import OutboxMessage
from minyi.notify.services import outbox_send
from tests.core.test_settings import manage_check
from tests.mashang.helpers import CITIZEN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "file",
        "FILE_PATH": str(tmp_path / "sms.jsonl"),
    }
    return tmp_path / "sms.jsonl"


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_file_backend_masks_the_code_and_the_sent_row_keeps_only_stars(sms_file):
    issued = sms_code_issue(phone=CITIZEN)
    row = OutboxMessage.objects.get(template_code="mashang_sms_code")

    assert outbox_send(row.pk) == "sent"

    [line] = lines(sms_file)
    assert issued.code not in json.dumps(line) and "code" not in line
    row.refresh_from_db()
    assert issued.code not in row.body and issued.code not in json.dumps(row.params)
    assert row.params == {"code": "******", "minutes": "5"}


def test_with_keep_codes_the_file_backend_writes_the_code_for_a_browser_test(sms_file, settings):
    settings.MINYI_SMS = {**settings.MINYI_SMS, "FILE_KEEP_CODES": True}
    issued = sms_code_issue(phone=CITIZEN)
    outbox_send(OutboxMessage.objects.get(template_code="mashang_sms_code").pk)

    [line] = lines(sms_file)
    assert line["code"] == issued.code
    assert line["template"] == "mashang_sms_code" and line["phone"] == "138****5678"
    assert issued.code not in line["body"]


def test_keep_codes_writes_no_other_text_in_clear(tmp_path):
    body = "您的验证码是123456"
    sms = Sms("k1", "+8613812345678", "order_accepted", "", {"code": "123456"}, (), body)
    FileBackend(tmp_path / "sms.jsonl", keep_codes=True).send(sms)

    [line] = lines(tmp_path / "sms.jsonl")
    assert "code" not in line and "123456" not in json.dumps(line, ensure_ascii=False)


def test_a_failed_send_keeps_the_code_for_the_retry(settings):
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "tests.mashang.test_sms_code_secrecy.Down",
    }
    issued = sms_code_issue(phone=CITIZEN)
    row = OutboxMessage.objects.get(template_code="mashang_sms_code")

    outbox_send(row.pk)

    row.refresh_from_db()
    assert row.status == "pending" and row.params["code"] == issued.code


class Down:
    def send(self, sms):
        from minyi.notify.backends import SendError

        raise SendError("短信平台不可用")


def test_keep_codes_is_refused_with_a_real_provider(tmp_path):
    result = manage_check(
        tmp_path, MINYI_SMS_FILE_KEEP_CODES="1", MINYI_SMS_BACKEND="console", DEBUG="0"
    )

    assert result.returncode != 0
    assert "MINYI_SMS_FILE_KEEP_CODES=1" in result.stderr


def test_keep_codes_starts_with_the_file_backend_where_test_backends_are_allowed(tmp_path):
    result = manage_check(
        tmp_path,
        MINYI_SMS_FILE_KEEP_CODES="1",
        MINYI_SMS_BACKEND="file",
        MINYI_SMS_ALLOW_TEST_BACKEND="1",
        DEBUG="0",
    )

    assert result.returncode == 0, result.stderr


def test_a_send_that_fails_for_good_blanks_the_code_too(settings):
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "tests.mashang.test_sms_code_secrecy.Down",
        "MAX_ATTEMPTS": 1,
    }
    issued = sms_code_issue(phone=CITIZEN)
    row = OutboxMessage.objects.get(template_code="mashang_sms_code")

    outbox_send(row.pk)

    row.refresh_from_db()
    assert row.status == "failed"
    assert issued.code not in row.body and row.params["code"] == "******"
