"""A citizen on a 390×844 phone with JavaScript switched off (issue 10, "The citizen's side"):
the deputy's page, the message form — 获取验证码 sends the code and keeps what was typed, the
code is read from the file SMS backend (MINYI_SMS_FILE_KEEP_CODES) — the tracking code, the
status page, and once answered the rating.

With ``MINYI_SCREENSHOTS`` set it saves what it sees; a plain run writes nothing."""

from __future__ import annotations

import json

import pytest

from minyi.core import clock
from minyi.mashang.models import Message, MessageEventKind, MessageStatus
from minyi.mashang.services import code_for
from minyi.mashang.services.messages import message_transition
from minyi.notify.models import OutboxMessage, OutboxStatus
from minyi.notify.services import outbox_send
from minyi.reference.models import RegionLevel
from tests.browser.people import screenshot
from tests.factories import CongressFactory, DeputyFactory, RegionFactory, seat

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
TEXT = "村口小桥的栏杆断了，孩子上学经过很危险，请代表帮忙反映。"


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _send_pending() -> None:
    """What the background worker does: send the outbox's pending rows."""
    for pk in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list(
        "pk", flat=True
    ):
        outbox_send(pk)


def _code_in(sms_file) -> str:
    lines = [json.loads(line) for line in sms_file.read_text().splitlines()]
    return [line for line in lines if line["template"] == "mashang_sms_code"][-1]["code"]


@pytest.fixture
def sms_file(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "file",
        "FILE_PATH": str(path),
        "FILE_KEEP_CODES": True,
    }
    return path


def test_a_citizen_leaves_a_message_follows_it_and_rates_the_answer_without_script(
    asgi_server, browser, sms_file
):
    base = asgi_server
    county = RegionFactory(name="韶山市", level=RegionLevel.COUNTY)
    town = RegionFactory(name="银田镇", level=RegionLevel.TOWNSHIP, parent=county)
    CongressFactory(name="银田镇人大", level="township", region=town)
    wang = DeputyFactory(
        name="王建国", introduction="银田村党支部书记，关注农村道路和养老。", mandate=None
    )
    seat(wang, "银田镇人大", "township")
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        java_script_enabled=False,
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)

    # no card at hand: the deputy is found by place
    phone.goto(f"{base}/m/")
    phone.click("a:has-text('韶山市')")
    phone.click("a:has-text('银田镇')")
    assert _fits_the_screen(phone)
    screenshot(phone, "citizen-place-phone")
    phone.click("#deputies a:has-text('王建国')")
    assert phone.url == f"{base}{code_for(wang).path}"
    assert "银田村党支部书记" in phone.inner_text("#deputy")
    assert _fits_the_screen(phone)
    phone.click("a.button:has-text('给代表留言')")

    # the form: type, ask for the code; the page comes back with what was typed
    phone.fill("#id_content", TEXT)
    phone.fill("#id_name", "刘阿姨")
    phone.fill("#id_phone", "13812345678")
    phone.click("button[name=send_code]")
    phone.wait_for_selector("text=验证码已发送")
    assert phone.input_value("#id_content") == TEXT
    assert phone.input_value("#id_name") == "刘阿姨"
    assert _fits_the_screen(phone)
    screenshot(phone, "citizen-message-phone")

    _send_pending()
    phone.fill("#id_sms_code", _code_in(sms_file))
    phone.check("#id_consent")
    phone.click("button[name=submit]")
    phone.wait_for_selector("#sent")
    message = Message.objects.get()
    assert phone.input_value(".tracking input") == message.tracking_code
    screenshot(phone, "citizen-sent-phone")

    # the deputy answers (their side is another page); the citizen looks it up and rates
    message_transition(
        message,
        MessageEventKind.ANSWERED,
        text="已联系村委会，本周内修好栏杆。",
        status=MessageStatus.ANSWERED,
        answer="已联系村委会，本周内修好栏杆。",
        answered_at=clock.now(),
    )
    phone.click("a.button:has-text('查看办理进展')")
    phone.fill("#id_tracking_code", message.tracking_code)
    phone.fill("#id_phone", "13812345678")
    phone.click("#track button[type=submit]")
    phone.wait_for_selector("#answer")
    assert "已联系村委会，本周内修好栏杆。" in phone.inner_text("#answer")
    assert "代表已答复" in phone.inner_text("#status")
    assert "13812345678" not in phone.url
    phone.check("#rating input[value=yes]")
    phone.check("#rating input[value=satisfied]")
    assert _fits_the_screen(phone)
    screenshot(phone, "citizen-status-phone")
    phone.click("#rating button[type=submit]")
    phone.wait_for_selector("text=感谢您的评价！")

    message.refresh_from_db()
    assert message.rating == "satisfied" and message.rating_answered is True
    context.close()
