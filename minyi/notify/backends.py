"""SMS backends, chosen by ``settings.MINYI_SMS["BACKEND"]`` (env ``MINYI_SMS_BACKEND``).

``send()`` either returns the provider's message id or raises ``SendError``. Each call carries
the outbox row's idempotency key: a provider that deduplicates by it (the ``file`` backend
models one) turns a resend after a crash into a no-op.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from minyi.core.masking import mask_numbers_in, mask_phone
from minyi.notify.texts import SECRET_PARAMS


class SendError(Exception):
    """The provider refused or could not be reached; the message is retried later."""


@dataclass(frozen=True)
class Sms:
    key: str  # idempotency key
    phone: str  # E.164
    template_code: str
    provider_template_code: str
    params: dict[str, str]
    param_order: tuple[str, ...]  # the template's placeholders, in order of use
    body: str


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _code_of(sms: Sms) -> str:
    """The SMS code a message carries (masked like any number in its text): what the demo's
    terminal and a browser test's file may show in clear when told to."""
    secrets_ = SECRET_PARAMS.get(sms.template_code, ())
    return str(sms.params.get(secrets_[0], "")) if secrets_ else ""


class ConsoleBackend:
    """Prints each message (the default: the demo shows what would be sent). The number is
    masked, in the text and the key too (``ev12:order_accepted:138****8000``): a terminal is a
    log, and no log holds a full number — nor an SMS code, except on the demo's own terminal,
    which stands for the phone: ``MINYI_SMS["CONSOLE_SHOWS_CODES"]`` (env
    ``MINYI_SMS_CONSOLE_SHOWS_CODES=1``, set by ``make run``; refused by the settings unless the
    test backends are allowed) adds the code of a 码上找代表 SMS code after the masked text."""

    def __init__(self, shows_codes: bool | None = None):
        if shows_codes is None:
            shows_codes = settings.MINYI_SMS.get("CONSOLE_SHOWS_CODES", False)
        self.shows_codes = shows_codes

    def send(self, sms: Sms) -> str:
        line = mask_numbers_in(f"[短信] {mask_phone(sms.phone)} {sms.body} (key={sms.key})")
        code = _code_of(sms) if self.shows_codes else ""
        if code:
            line += f" [演示：验证码 {code}]"
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        return f"console:{key_digest(sms.key)[:16]}"


class FileBackend:
    """Appends one JSON line per message; a second message with the same key is not written
    again and gets the first one's id back — like a provider that deduplicates by the key.

    It stands in for a provider in tests and staging, but it is a file on the app server, so
    it keeps what a test checks and no more: the key's SHA-256 (to deduplicate), the key and
    the text with every number masked, the masked recipient and the template. The file is
    readable by its owner only.

    ``MINYI_SMS["FILE_KEEP_CODES"]`` (env ``MINYI_SMS_FILE_KEEP_CODES=1``; refused by the
    settings unless the test backends are allowed) also writes the code of a 码上找代表 SMS code
    (``"code"``), so that a browser test can type it in. Nothing else is kept in full."""

    def __init__(self, path: str | Path | None = None, keep_codes: bool | None = None):
        self.path = Path(path or settings.MINYI_SMS["FILE_PATH"])
        if keep_codes is None:
            keep_codes = settings.MINYI_SMS.get("FILE_KEEP_CODES", False)
        self.keep_codes = keep_codes

    def _line(self, sms: Sms, digest: str) -> dict:
        line = {
            "digest": digest,
            "key": mask_numbers_in(sms.key),
            "phone": mask_phone(sms.phone),
            "template": sms.template_code,
            "body": mask_numbers_in(sms.body),
        }
        code = _code_of(sms) if self.keep_codes else ""
        if code:
            line["code"] = code
        return line

    def send(self, sms: Sms) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        digest = key_digest(sms.key)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with open(descriptor, "a+", encoding="utf-8") as handle:
            # the lock makes check-then-append atomic across worker processes
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            for number, line in enumerate(handle, start=1):
                if line.strip() and json.loads(line).get("digest") == digest:
                    return f"file:{number}"
            handle.seek(0, 2)
            handle.write(json.dumps(self._line(sms, digest), ensure_ascii=False) + "\n")
            handle.flush()
            handle.seek(0)
            return f"file:{sum(1 for _ in handle)}"


class TencentBackend:
    """Tencent Cloud SMS (``tencentcloud-sdk-python-sms``, API 2021-01-11).

    Tencent templates take positional parameters (``{1}``, ``{2}`` …): ours are passed in the
    order the template's placeholders first appear in its text, so the template registered with
    Tencent must use them in the same order. The idempotency key goes in ``SessionContext``,
    which Tencent echoes back in delivery receipts; Tencent itself does not deduplicate by it,
    so a crash between sending and recording can still repeat one SMS (at-least-once).
    """

    def __init__(self, config: dict | None = None):
        self.config = config or settings.MINYI_SMS["TENCENT"]
        missing = [
            k
            for k in ("SECRET_ID", "SECRET_KEY", "SDK_APP_ID", "SIGN_NAME")
            if not self.config.get(k)
        ]
        if missing:
            raise SendError(
                "腾讯云短信未配置：" + "、".join(f"MINYI_SMS_TENCENT_{k}" for k in missing)
            )

    def client(self):
        # imported here: the SDK is needed only where this backend is chosen
        from tencentcloud.common import credential
        from tencentcloud.sms.v20210111 import sms_client

        cred = credential.Credential(self.config["SECRET_ID"], self.config["SECRET_KEY"])
        return sms_client.SmsClient(cred, self.config.get("REGION") or "ap-guangzhou")

    def request(self, sms: Sms):
        from tencentcloud.sms.v20210111 import models

        if not sms.provider_template_code:
            raise SendError(f"模板 {sms.template_code} 未填写短信平台模板 ID。")
        req = models.SendSmsRequest()
        req.SmsSdkAppId = str(self.config["SDK_APP_ID"])
        req.SignName = self.config["SIGN_NAME"]
        req.TemplateId = sms.provider_template_code
        req.TemplateParamSet = [str(sms.params.get(name, "")) for name in sms.param_order]
        req.PhoneNumberSet = [sms.phone]
        req.SessionContext = sms.key
        return req

    def send(self, sms: Sms) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )

        try:
            response = self.client().SendSms(self.request(sms))
        except TencentCloudSDKException as exc:
            raise SendError(f"腾讯云短信：{exc.get_code()} {exc.get_message()}") from exc
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            raise SendError(f"腾讯云短信：{status.Code} {status.Message}")
        return status.SerialNo


BACKENDS = {
    "console": "minyi.notify.backends.ConsoleBackend",
    "file": "minyi.notify.backends.FileBackend",
    "tencent": "minyi.notify.backends.TencentBackend",
}


def get_backend():
    name = settings.MINYI_SMS["BACKEND"]
    return import_string(BACKENDS.get(name, name))()
