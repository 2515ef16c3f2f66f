"""No full phone number (nor an SMS code, nor an ID number) in any log: the masking filter on
every handler, the SMS backends, uvicorn's access log without query-string values, and every
field of the JSON lines production writes (LOG_FORMAT=json)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import logging
import logging.config
import os
import stat

import pytest
from django.conf import settings

from minyi.core.logfilters import DropQueryValues, MaskPersonalData
from minyi.core.masking import mask_numbers_in
from minyi.notify.backends import ConsoleBackend, FileBackend, Sms
from tests.factories import ZHANG_MOBILE

NUMBER = "13800138000"  # 张三's mobile, ZHANG_MOBILE without +86


def handlers_of_every_logger():
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):  # the test run's own capture
                continue
            if type(handler) is not logging.NullHandler:  # a library's: it writes nothing
                yield logger.name, handler


def test_every_configured_handler_masks_personal_data():
    configured = settings.LOGGING["handlers"]

    assert configured  # the check below must not pass on an empty configuration
    for name, config in configured.items():
        assert "personal_data" in config.get("filters", []), name
    for logger, handler in handlers_of_every_logger():
        assert any(isinstance(f, MaskPersonalData) for f in handler.filters), (logger, handler)


def test_the_access_logs_drop_query_values_before_any_handler():
    for name in ("uvicorn.access", "django.server"):
        logger = logging.getLogger(name)
        kinds = [type(f) for f in logger.filters]

        assert DropQueryValues in kinds and MaskPersonalData in kinds, name
        assert kinds.index(DropQueryValues) < kinds.index(MaskPersonalData), name


def test_the_servers_own_logging_choices_are_kept(monkeypatch):
    """uvicorn --log-level warning --no-access-log: the app filters the server's loggers but
    neither turns the access log back on nor lowers the level (each access line costs CPU)."""
    from minyi.core.logfilters import guard_server_loggers

    access = logging.getLogger("uvicorn.access")
    monkeypatch.setattr(access, "handlers", [])
    monkeypatch.setattr(access, "level", logging.WARNING)

    logging.config.dictConfig(settings.LOGGING)
    guard_server_loggers()

    assert access.handlers == [] and access.level == logging.WARNING


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("已发送至13812345678", "已发送至138****5678"),
        ("+86 138-1234-5678 来电", "138****5678 来电"),
        ("0086 13812345678", "138****5678"),
        ("+8673185309270", "731****9270"),
        ("座机 0731-85309270", "座机 073****9270"),
        ("验证码 482913，5分钟内有效", "验证码 ******，5分钟内有效"),
        ("code=4829", "code=****"),
        ("身份证 43038219900101123X", "身份证 4303**********123X"),
        ("工单 12345-20260302-000123 已受理", "工单 12345-20260302-000123 已受理"),
        ("耗时 1733212345678 ms", "耗时 1733212345678 ms"),
    ],
)
def test_numbers_in_a_line_are_masked_and_other_numbers_left_alone(text, masked):
    assert mask_numbers_in(text) == masked


def test_a_record_is_masked_in_its_message_arguments_and_traceback(caplog):
    log = logging.getLogger("minyi.test")
    try:
        raise ValueError(f"Key (number)=({ZHANG_MOBILE}) already exists")
    except ValueError:
        log.exception("SMS to %s failed: %s (%s)", ZHANG_MOBILE, {"phone": NUMBER}, 13800138000)

    assert caplog.records
    assert NUMBER not in caplog.text
    assert "138****8000" in caplog.text


def test_an_sms_printed_by_the_console_backend_shows_the_number_masked(capsys):
    sms = Sms(
        f"ev7:order_accepted:{ZHANG_MOBILE}",
        ZHANG_MOBILE,
        "order_accepted",
        "",
        {},
        (),
        "您反映的问题已受理，验证码 482913。",
    )

    ConsoleBackend().send(sms)

    out = capsys.readouterr().out
    assert NUMBER not in out and "482913" not in out
    assert out.startswith("[短信] 138****8000 您反映的问题已受理")


def test_the_file_backend_keeps_no_full_number_and_only_its_owner_reads_it(tmp_path):
    path = tmp_path / "sms.jsonl"
    backend = FileBackend(path)
    first = Sms(
        f"ev7:order_accepted:{ZHANG_MOBILE}",
        ZHANG_MOBILE,
        "order_accepted",
        "",
        {},
        (),
        "已受理，回电13800138000",
    )
    twin = Sms(
        "ev7:order_accepted:+8613811118000",
        "+8613811118000",
        "order_accepted",
        "",
        {},
        (),
        "已受理",
    )

    assert backend.send(first) == backend.send(first) == "file:1"
    assert backend.send(twin) == "file:2"  # the same masked number, another key: not a duplicate

    text = path.read_text()
    assert NUMBER not in text and "13811118000" not in text
    line = json.loads(text.splitlines()[0])
    assert (line["key"], line["phone"], line["body"]) == (
        "ev7:order_accepted:138****8000",
        "138****8000",
        "已受理，回电138****8000",
    )
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.django_db
def test_a_ring_and_a_lookup_leave_no_full_number_in_the_logs(client, olivia, zhang, pbx, caplog):
    caplog.set_level(logging.DEBUG)
    pbx(event="ring", call_id="c-1", to="12345", **{"from": ZHANG_MOBILE})
    client.force_login(olivia)
    client.post("/console/lookup/", {"phone": NUMBER})
    client.get("/console/intake/", {"call": "c-1"})
    client.get("/console/lookup/", {"phone": NUMBER})  # refused (405), and logged as such

    assert caplog.records
    assert NUMBER not in caplog.text


@pytest.mark.django_db
def test_an_sms_sent_by_the_worker_leaves_no_full_number_in_the_logs(
    olivia, caplog, capsys, settings
):
    from minyi.notify.models import OutboxMessage
    from minyi.notify.services import outbox_send
    from tests.factories import make_order

    settings.MINYI_SMS = {**settings.MINYI_SMS, "BACKEND": "console"}
    caplog.set_level(logging.DEBUG)
    make_order("accepted", operator=olivia, requester_phone="+8613900001111")
    message = OutboxMessage.objects.get(template_code="order_accepted")

    assert outbox_send(message.pk) == "sent"

    out = capsys.readouterr()
    assert "13900001111" not in out.out + out.err + caplog.text
    assert "139****1111" in out.out


class Raising:
    def send(self, sms):
        from minyi.notify.backends import SendError

        raise SendError(f"号码 {sms.phone} 不可达")


@pytest.mark.django_db
def test_a_failed_send_is_logged_without_the_number(olivia, caplog, settings):
    from minyi.notify.models import OutboxMessage
    from minyi.notify.services import outbox_send
    from tests.factories import make_order

    settings.MINYI_SMS = {**settings.MINYI_SMS, "BACKEND": f"{__name__}.Raising"}
    make_order("accepted", operator=olivia, requester_phone="+8613900001111")
    message = OutboxMessage.objects.get(template_code="order_accepted")

    outbox_send(message.pk)

    assert "failed" in caplog.text
    assert "13900001111" not in caplog.text and "139****1111" in caplog.text


@pytest.fixture
def production_logging():
    """Logging as a uvicorn worker has it: uvicorn's own configuration first, then the app's
    (applied when the app starts), its streams read by the test. Afterwards uvicorn's loggers
    are emptied again and the app's configuration restored on the test run's streams."""
    import uvicorn.config

    import minyi.asgi  # noqa: F401 — imported (Django set up) before, not in the server thread
    from minyi.core.logfilters import SERVER_LOGGERS, guard_server_loggers

    ours = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler))
    before = ours.stream
    out, err = io.StringIO(), io.StringIO()
    uvicorns = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    uvicorns["handlers"]["access"]["stream"] = out
    uvicorns["handlers"]["default"]["stream"] = err
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = err
    logging.config.dictConfig(uvicorns)
    logging.config.dictConfig(config)
    guard_server_loggers(json=settings.LOG_FORMAT == "json")  # as CoreConfig.ready does
    yield lambda: out.getvalue() + err.getvalue()
    for name in SERVER_LOGGERS:
        logging.getLogger(name).handlers = []
    with contextlib.redirect_stderr(before):
        logging.config.dictConfig(settings.LOGGING)


@pytest.mark.django_db(transaction=True)
def test_uvicorns_access_log_is_json_with_the_request_id_and_no_query_values_or_numbers(
    production_logging, pbx_token
):
    import socket
    import threading
    import time
    import urllib.request

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # log_config=None: the configuration the fixture set up stays as it is
    config = uvicorn.Config("minyi.asgi:application", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    try:
        for url in (f"/healthz?phone={NUMBER}&call=c-1", f"/console/lookup/?phone=%2B86{NUMBER}"):
            try:
                urllib.request.urlopen(base + url, timeout=5).close()
            except urllib.error.HTTPError:
                pass
        ring = json.dumps({"event": "ring", "call_id": "c-9", "from": NUMBER}).encode()
        request = urllib.request.Request(
            f"{base}/api/cti/events",
            data=ring,
            headers={
                "Authorization": f"Bearer {pbx_token}",
                "Content-Type": "application/json",
                "X-Request-ID": "pbx-ring-9",
            },
        )
        urllib.request.urlopen(request, timeout=5).close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    logged = production_logging()
    lines = [json.loads(line) for line in logged.splitlines()]  # every line is JSON
    access = {
        line["message"]: line["request_id"] for line in lines if line["logger"] == "uvicorn.access"
    }
    requests = "\n".join(access)
    assert '"GET /healthz?phone=…&call=… HTTP/1.1" 200' in requests
    assert '"GET /console/lookup/?phone=… HTTP/1.1"' in requests
    ring = next(message for message in access if '"POST /api/cti/events HTTP/1.1" 200' in message)
    assert access[ring] == "pbx-ring-9"  # the id the PBX sent; the others got new ones
    assert all(
        access[message] and len(access[message]) == 32 for message in access if message != ring
    )
    assert NUMBER not in logged and "8000" not in logged.replace(f":{port}", "")


def _sms_code(code: str) -> Sms:
    return Sms(
        "smscode9:mashang_sms_code:" + ZHANG_MOBILE,
        ZHANG_MOBILE,
        "mashang_sms_code",
        "",
        {"code": code, "minutes": "5"},
        ("code", "minutes"),
        f"【码上找代表】您的验证码是{code}，5分钟内有效。请勿告诉他人。",
    )


def test_the_console_backend_masks_an_sms_code_unless_it_is_the_demos_phone(capsys):
    ConsoleBackend(shows_codes=False).send(_sms_code("482913"))
    hidden = capsys.readouterr().out
    ConsoleBackend(shows_codes=True).send(_sms_code("482913"))
    shown = capsys.readouterr().out

    assert "482913" not in hidden and "验证码是******" in hidden
    assert NUMBER not in shown and shown.rstrip().endswith("[演示：验证码 482913]")


def test_the_demos_codes_on_the_console_are_refused_in_production(monkeypatch):
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "MINYI_SMS_BACKEND": "tencent",
        "MINYI_SMS_CONSOLE_SHOWS_CODES": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'minyi.settings'); django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "MINYI_SMS_CONSOLE_SHOWS_CODES=1" in result.stderr


# -- JSON lines (LOG_FORMAT=json, the default in production) ----------------------------------


class Refusing:
    """A provider that refuses every message, quoting it back (number and text) in its error,
    as real providers' error messages do; it keeps what it was asked to send."""

    asked: list[Sms] = []

    def send(self, sms):
        from minyi.notify.backends import SendError

        Refusing.asked.append(sms)
        raise SendError(f"{sms.phone} 拒收：{sms.body}")


@pytest.mark.django_db(transaction=True)
def test_a_citizens_sms_code_request_logs_json_lines_without_the_number_or_the_code(
    client, settings, log_lines
):
    """The SMS is sent within the request (tasks run at once here), the provider refuses it
    and the outbox logs why, number and code included; the JSON lines hold neither."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    settings.MINYI_SMS = {**settings.MINYI_SMS, "BACKEND": f"{__name__}.Refusing"}
    Refusing.asked = []

    response = client.post(
        "/api/public/sms-codes",
        json.dumps({"phone": "139 0013 7777"}),
        content_type="application/json",
        headers={"X-Request-ID": "citizen-42"},
    )

    assert response.status_code == 202 and response["X-Request-ID"] == "citizen-42"
    (sms,) = Refusing.asked
    code = sms.params["code"]
    lines = log_lines()
    failed = [line for line in lines if line["logger"] == "minyi.notify.services"]
    assert failed and failed[0]["request_id"] == "citizen-42"
    assert "139****7777 拒收" in failed[0]["message"]
    assert set(failed[0]) >= {"time", "level", "logger", "message", "request_id"}
    assert failed[0]["time"].endswith("+08:00") and failed[0]["level"] == "WARNING"
    written = json.dumps(lines, ensure_ascii=False)
    assert "13900137777" not in written and "139 0013 7777" not in written
    assert code not in written


def test_extra_fields_arguments_and_the_traceback_are_masked_in_json_too(log_lines):
    from minyi.core.log_context import REQUEST_ID

    log = logging.getLogger("minyi.test")
    token = REQUEST_ID.set("req-1")
    try:
        raise ValueError(f"Key (number)=({ZHANG_MOBILE}) already exists")
    except ValueError:
        log.exception(
            "SMS to %s failed",
            ZHANG_MOBILE,
            extra={
                "caller": 13800138000,
                "code": "482913",
                "sms_code": 482913,
                "id_number": "43038219900101123X",
                "numbers": {"home": ["0731-85309270", NUMBER]},
            },
        )
    finally:
        REQUEST_ID.reset(token)
    log.info("outside any request")

    inside, outside = log_lines()
    assert inside["message"] == "SMS to 138****8000 failed" and inside["request_id"] == "req-1"
    assert inside["exception"].startswith("Traceback") and "138****8000" in inside["exception"]
    assert (inside["caller"], inside["code"], inside["sms_code"]) == (
        "138****8000",
        "******",
        "******",
    )
    assert inside["id_number"] == "4303**********123X"
    assert inside["numbers"] == {"home": ["073****9270", "138****8000"]}
    assert outside["request_id"] is None and "exception" not in outside
