"""码上找代表's whole loop in a browser on a 390×844 phone (issue 10, "Done when"): a citizen opens
the deputy's page from the QR code and leaves a message with the SMS code the file SMS backend
received; the deputy signs in by phone and SMS code and forwards it to 12345 in one click; the
order goes through dispatch, reply, callback and archive (as the dispatcher, the handler and the
callback agent, each in their own browser); the result comes back to the deputy, who answers from
the prefilled text; the citizen's status page shows the answer and takes a rating. Also: a double
click on 提交 makes one message, and a script in a message is shown as text, never run.

With ``MINYI_SCREENSHOTS`` set it saves what the phone shows (docs/screenshots/)."""

from __future__ import annotations

import json
import re

import pytest

from minyi.core.masking import mask_phone
from minyi.mashang.models import Message
from minyi.mashang.services import code_for
from minyi.notify.models import OutboxMessage
from minyi.notify.services import outbox_sweep
from minyi.orders.models import Status, WorkOrder
from tests.browser.people import order_act, person, screenshot, signed_in
from tests.factories import (
    ZHANG_MOBILE,
    DepartmentFactory,
    HandlerFactory,
    LiaisonStationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
CITIZEN = "13912345678"
CITIZEN_E164 = "+8613912345678"
CODE_TEMPLATE = "mashang_sms_code"
SUBMIT = re.compile("^提交留言$")


@pytest.fixture
def sms_file(settings, tmp_path):
    """The file SMS backend, keeping the codes of ``mashang_sms_code`` texts (test setting)."""
    path = tmp_path / "sms.jsonl"
    settings.MINYI_SMS = {
        **settings.MINYI_SMS,
        "BACKEND": "file",
        "FILE_PATH": str(path),
        "FILE_KEEP_CODES": True,
    }
    return path


@pytest.fixture
def deputy(zhang):
    """张三 with a township station: his card's code leads to his page."""
    mandate = zhang.mandates.get(congress__name="银田镇人大")
    mandate.station = LiaisonStationFactory(name="银田镇人大代表联络站")
    mandate.save()
    return zhang


def phone_page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def sms_lines(path) -> list[dict]:
    """What the file backend received, after the outbox has sent what is due (no worker runs
    in the tests: the sweep sends in this thread)."""
    outbox_sweep()
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def sms_code(path, phone: str) -> str:
    """The last SMS code sent to ``phone`` (E.164), as the file backend kept it."""
    mine = [
        line
        for line in sms_lines(path)
        if line["template"] == CODE_TEMPLATE and line["phone"] == mask_phone(phone)
    ]
    assert mine, f"no {CODE_TEMPLATE} text to {mask_phone(phone)}"
    return mine[-1]["code"]


def write_message(page, base: str, code: str, sms_file, *, content: str, name: str = "") -> None:
    """On the phone: the deputy's page → 留言 → the form, with an SMS code; not yet sent."""
    page.goto(f"{base}/m/{code}")
    page.get_by_role("link", name="给代表留言").click()
    page.wait_for_url(f"**/m/{code}/message")
    page.fill("#id_content", content)
    if name:
        page.fill("#id_name", name)
    page.fill("#id_phone", CITIZEN)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state("load")
    page.fill("#id_sms_code", sms_code(sms_file, CITIZEN_E164))
    page.check("#id_consent")


def tracking_code_on(page) -> str:
    """The tracking code the page after 提交 shows (in a read-only box, to copy)."""
    return page.get_by_label("查询码").input_value()


def status_page(page, base: str, tracking_code: str) -> None:
    page.goto(f"{base}/m/track")
    page.fill("#id_tracking_code", tracking_code)
    page.fill("#id_phone", CITIZEN)
    page.get_by_role("button", name="查询", exact=True).click()
    page.wait_for_load_state("load")


def deputy_signs_in_by_phone(browser, base: str, sms_file):
    page = phone_page(browser)
    page.goto(f"{base}/account/phone-login/")
    page.fill("#id_phone", ZHANG_MOBILE.removeprefix("+86"))
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state("load")
    page.fill("#id_code", sms_code(sms_file, ZHANG_MOBILE))
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def message_act(page, base: str, message: Message, action: str, fill=None) -> None:
    """On the deputy's message page, one action by its button and form, as on an order's."""
    page.goto(f"{base}/work/messages/{message.pk}/")
    page.click(f"#do-{action}")
    form = page.locator(f"#action-{action}")
    form.wait_for()
    if fill:
        fill(form)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def test_a_message_goes_from_the_qr_code_to_12345_and_back_and_the_citizen_rates_the_answer(
    asgi_server, browser, deputy, sms_file
):
    base = asgi_server
    code = code_for(deputy).code
    city = DepartmentFactory(name="韶山市城市管理局")
    dan = person(UserFactory, username="dan", role="dispatcher")
    hana = person(HandlerFactory, username="hana", department=city)
    carl = person(UserFactory, username="carl", role="callback")

    # 1. the citizen, from the QR code on a phone
    citizen = phone_page(browser)
    citizen.goto(f"{base}/m/{code}")
    assert "张三" in citizen.inner_text("main")
    screenshot(citizen, "mashang-deputy-phone")
    write_message(
        citizen,
        base,
        code,
        sms_file,
        content="银田镇主干道路灯已坏一周，夜间行人看不清路面，请代表帮忙反映。",
        name="王小明",
    )
    screenshot(citizen, "mashang-message-phone")
    citizen.get_by_role("button", name=SUBMIT).click()
    citizen.wait_for_load_state("load")
    message = Message.objects.get()
    assert (message.deputy, message.phone, message.status) == (deputy, CITIZEN_E164, "open")
    assert message.tracking_code == tracking_code_on(citizen)
    screenshot(citizen, "mashang-sent-phone")
    told = [line["body"] for line in sms_lines(sms_file) if line["template"] != CODE_TEMPLATE]
    assert any(message.tracking_code in body for body in told), told

    # 2. the deputy: phone log-in, inbox (the citizen's number masked), forward to 12345
    zhang = deputy_signs_in_by_phone(browser, base, sms_file)
    zhang.goto(f"{base}/work/messages/")
    inbox = zhang.inner_text("main")
    assert "银田镇主干道路灯" in inbox and CITIZEN not in zhang.content()
    screenshot(zhang, "mashang-inbox-phone")
    message_act(zhang, base, message, "forward")
    order = WorkOrder.objects.get()
    assert (order.status, order.deputy) == (Status.ACCEPTED, deputy)
    assert "路灯已坏一周" in order.content
    assert CITIZEN not in zhang.content()

    # 3. 12345: dispatch, sign, reply, callback, archive, each role in its own browser
    number = order.number
    dispatcher = signed_in(browser, base, dan)
    handler = signed_in(browser, base, hana)
    agent = signed_in(browser, base, carl)
    order_act(
        dispatcher,
        base,
        number,
        "dispatch",
        lambda p: p.select_option("#id_dispatch_lead", str(city.pk)),
    )
    order_act(handler, base, number, "sign")
    order_act(
        handler,
        base,
        number,
        "reply",
        lambda p: (
            p.fill("#id_reply_content", "已更换银田镇主干道灯具十二盏，恢复夜间照明。"),
            p.select_option("#id_reply_solved", "solved"),
        ),
    )
    order_act(
        agent,
        base,
        number,
        "callback",
        lambda p: (
            p.select_option("#id_callback_satisfaction", "satisfied"),
            p.select_option("#id_callback_solved", "yes"),
        ),
    )
    order_act(agent, base, number, "archive")
    order.refresh_from_db()
    assert order.status == Status.ARCHIVED
    message.refresh_from_db()
    assert message.status == "result"

    # 4. the result is in the deputy's inbox (待处理 again); the deputy answers from it, prefilled
    zhang.goto(f"{base}/work/messages/")
    zhang.locator(f"a.order-card[href$='/work/messages/{message.pk}/']").click()
    zhang.wait_for_url(f"**/work/messages/{message.pk}/")
    assert "已更换银田镇主干道灯具十二盏" in zhang.inner_text("main")
    zhang.click("#do-answer")
    answer = zhang.locator("#action-answer textarea")
    assert "已更换银田镇主干道灯具十二盏" in answer.input_value()
    screenshot(zhang, "mashang-answer-phone")
    zhang.locator("#action-answer button[type=submit]").click()
    zhang.wait_for_load_state("load")
    message.refresh_from_db()
    assert message.status == "answered"
    assert "已更换银田镇主干道灯具十二盏" in message.answer
    assert CITIZEN not in zhang.content()
    to_citizen = OutboxMessage.objects.filter(recipient_phone=CITIZEN_E164).order_by("id")
    # as the order's requester the citizen also hears from 12345 (accepted, replied)
    assert list(to_citizen.values_list("template_code", flat=True)) == [
        "mashang_sms_code",
        "mashang_message_received",
        "order_accepted",
        "reply_ready",
        "mashang_answered",
    ]
    told = [line["body"] for line in sms_lines(sms_file) if line["template"] == "mashang_answered"]
    assert told == [
        f"【码上找代表】张三代表已答复您的留言（查询码{message.tracking_code}），"
        "请凭查询码和手机号查看。"
    ]
    # the citizen's number reached no one but the citizen (the order keeps it for the handler)
    others = OutboxMessage.objects.exclude(recipient_phone=CITIZEN_E164)
    assert not [body for body in others.values_list("body", flat=True) if CITIZEN in body]

    # 5. the citizen reads the answer on the status page and rates it
    status_page(citizen, base, message.tracking_code)
    shown = citizen.inner_text("main")
    assert "已更换银田镇主干道灯具十二盏" in shown
    assert ZHANG_MOBILE.removeprefix("+86") not in citizen.content()
    citizen.get_by_label("是", exact=True).check()
    citizen.get_by_label("满意", exact=True).check()
    screenshot(citizen, "mashang-status-phone")
    citizen.get_by_role("button", name="提交评价").click()
    citizen.wait_for_load_state("load")
    message.refresh_from_db()
    assert (message.rating, message.rating_answered) == ("satisfied", True)


def test_a_double_click_on_submit_makes_one_message(asgi_server, browser, deputy, sms_file):
    base = asgi_server
    code = code_for(deputy).code
    page = phone_page(browser)
    write_message(page, base, code, sms_file, content="村口桥梁护栏松动，存在安全隐患。")
    page.get_by_role("button", name=SUBMIT).dblclick()
    shown = tracking_code_on(page)  # waits for the page after 提交
    assert Message.objects.count() == 1
    assert shown == Message.objects.get().tracking_code


def test_a_script_in_a_message_or_an_answer_is_shown_as_text_never_run(
    asgi_server, browser, deputy, sms_file
):
    base = asgi_server
    code = code_for(deputy).code
    hostile = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    page = phone_page(browser)
    write_message(page, base, code, sms_file, content=f"路灯不亮{hostile}", name="<b>王</b>")
    page.get_by_role("button", name=SUBMIT).click()
    tracking_code = tracking_code_on(page)
    message = Message.objects.get()
    assert message.content == f"路灯不亮{hostile}"

    zhang = deputy_signs_in_by_phone(browser, base, sms_file)
    zhang.goto(f"{base}/work/messages/{message.pk}/")
    shown = zhang.inner_text("main")
    assert hostile in shown and "<b>王</b>" in shown
    assert zhang.evaluate("window.pwned") is None
    message_act(
        zhang,
        base,
        message,
        "answer",
        lambda form: form.locator("textarea").fill("<script>window.pwned = 3</script>路灯已修好。"),
    )

    status_page(page, base, tracking_code)
    assert "<script>window.pwned = 3</script>路灯已修好。" in page.inner_text("#answer")
    assert page.evaluate("window.pwned") is None
