"""The deputy's side of 码上找代表 on a phone (390×844): sign in with the registered number and the
SMS code, find the message in the inbox (cards that fit the screen, the citizen masked), hand a
township matter to the station, answer another, and forward a third to 12345 from its own form.

With ``MINYI_SCREENSHOTS`` set it saves what it sees (docs/screenshots/)."""

from __future__ import annotations

import pytest

from minyi.mashang.models import Holder, MessageStatus
from minyi.notify.models import OutboxMessage
from minyi.orders.models import Channel
from tests.browser.people import screenshot
from tests.mashang.deputy_side import CITIZEN_MASKED, CITIZEN_PHONE, message_to, station_and_deputy

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_deputy_signs_in_by_sms_and_works_their_messages_on_a_phone(asgi_server, browser):
    base = asgi_server
    _, wang, _ = station_and_deputy()
    number = wang.phones.get().number
    road = message_to(wang, content="村口桥梁护栏断了，晚上很危险，请帮忙反映。")
    square = message_to(wang, content="镇广场的健身器材坏了两件。")
    lamp = message_to(wang, content="我家门口路灯修好了吗？")

    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)

    # log-in by phone: the number, 获取验证码, the code from the SMS, 登录
    phone.goto(f"{base}/login/")
    phone.click("text=人大代表请用手机号码和短信验证码登录")
    phone.fill("#id_phone", number.removeprefix("+86"))
    phone.click("button[value=send]")
    phone.wait_for_selector("#id_code")
    assert "如号码已登记，验证码已发送" in phone.inner_text("main")
    assert _fits_the_screen(phone)
    screenshot(phone, "deputy-phone-login")
    code = OutboxMessage.objects.get(template_code="mashang_sms_code").params["code"]
    phone.fill("#id_code", code)
    phone.press("#id_code", "Enter")  # Enter signs in (it does not ask for another code)
    phone.wait_for_url(lambda url: "/account/phone-login/" not in url)

    # one place: 选民留言 beside 我的工单, the inbox as cards
    phone.click("nav.switch >> text=选民留言")
    phone.wait_for_selector("ul.cards li.message-row")
    assert phone.locator("ul.cards li.message-row").count() == 3
    text = phone.inner_text("main")
    assert CITIZEN_MASKED in text and CITIZEN_PHONE[3:] not in phone.content()
    assert _fits_the_screen(phone)
    screenshot(phone, "deputy-messages-phone")

    # a township matter: to the station
    phone.click(f"li[data-message='{square.pk}'] a")
    phone.click("#do-to-station")
    phone.fill("#id_to-station_note", "请站里协调镇政府维修。")
    phone.click("#action-to-station button[type=submit]")
    phone.wait_for_selector("text=已转交银田镇人大代表联络站")

    # a simple one: answered directly
    phone.goto(f"{base}/work/messages/{lamp.pk}/")
    phone.click("#do-answer")
    phone.fill("#id_answer_text", "路灯已于本周修复，感谢您的反映。")
    assert _fits_the_screen(phone)
    screenshot(phone, "deputy-message-answer-phone")
    phone.locator("#action-answer button[type=submit]").dblclick()  # a double tap: one answer
    phone.wait_for_selector("text=已答复，群众将收到短信提示查看。")

    # the one for 12345: the form says what 12345 refuses, the title comes prefilled
    phone.goto(f"{base}/work/messages/{road.pk}/?do=forward")
    assert "12345不予受理的情形" in phone.inner_text("#action-forward")
    phone.fill("#id_forward_title", "村口桥梁护栏损坏")
    assert _fits_the_screen(phone)
    screenshot(phone, "deputy-message-forward-phone")
    phone.click("#action-forward button[type=submit]")
    phone.wait_for_selector("text=已转12345")

    for message in (road, square, lamp):
        message.refresh_from_db()
    assert square.holder == Holder.STATION
    assert lamp.status == MessageStatus.ANSWERED and lamp.events.count() == 1
    assert road.status == MessageStatus.FORWARDED and road.order.channel == Channel.QR_MESSAGE
    assert road.order.title == "村口桥梁护栏损坏"
    context.close()
