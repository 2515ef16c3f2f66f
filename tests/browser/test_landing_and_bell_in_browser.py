"""Each role signs in and lands on its own main screen, on a desktop and on a 390×844 phone:
the dispatcher, the handler, the callback agent, the liaison officer and the deputy on their
queue with the bell, which lists their notices, marks them read and opens the order; the
system administrator on the admin.

With ``MINYI_SCREENSHOTS`` set (``make screenshots``) each main screen is saved as
``<role>-<viewport>.png`` (the README's Screens); a plain run writes nothing."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.notify.models import Notice
from tests.browser.people import PASSWORD, person, screenshot, signed_in
from tests.factories import HandlerFactory, UserFactory, make_order

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}
# role → (where the log-in lands, the header's link to it)
LANDING = {
    "dispatcher": ("/work/dispatch/", "派单工作台"),
    "handler": ("/work/department/", "承办工作台"),
    "callback": ("/work/callback/", "回访工作台"),
    "liaison": ("/work/ledger/", "工作台账"),
    "deputy": ("/work/mine/", "我的工单"),
}


def _people(zhang, department) -> dict:
    def named(factory, username, name, **fields):
        return person(factory, username=username, last_name=name[0], first_name=name[1:], **fields)

    return {
        "dispatcher": named(UserFactory, "dan", "邓丹", role=Role.DISPATCHER),
        "handler": named(HandlerFactory, "hana", "何娜", department=department),
        "callback": named(UserFactory, "carl", "蔡乐", role=Role.CALLBACK),
        "liaison": named(UserFactory, "lena", "林娜", role=Role.LIAISON),
        "deputy": named(UserFactory, "zora", "张三", role=Role.DEPUTY, deputy=zhang),
    }


def _orders(people, zhang) -> dict:
    """What each role's screen shows, and the order their notice is about."""
    hana = people["handler"]
    make_order("accepted", title="韶山南路井盖缺失", urgency="urgent")
    dispatched = make_order("dispatched", handler=hana, title="清溪镇自来水停水三天")
    replied = make_order("replied", handler=hana, title="小区门口占道经营")
    mine = make_order(
        "signed", channel="deputy_call", deputy=zhang, handler=hana, title="银田镇主干道路灯不亮"
    )
    return {
        "dispatcher": dispatched,
        "handler": dispatched,
        "callback": replied,
        "liaison": mine,
        "deputy": mine,
    }


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_each_role_lands_on_its_own_screen_and_reads_its_notices(
    asgi_server, browser, zhang, dept_a, viewport
):
    people = _people(zhang, dept_a)
    orders = _orders(people, zhang)
    for role, user in people.items():
        order = orders[role]
        Notice.objects.create(
            user=user, text=f"工单 {order.number} 有新进展。", order=order, created_at=clock.now()
        )
        landing, label = LANDING[role]

        page = signed_in(browser, asgi_server, user, **VIEWPORTS[viewport])
        assert page.url == f"{asgi_server}{landing}", role
        header = page.locator("header")
        assert label in header.inner_text(), role
        assert page.locator("header .bell .count").inner_text() == "1", role
        page.wait_for_selector(".order-row")
        assert _fits_the_screen(page), (role, viewport)
        screenshot(page, f"{role}-{viewport}")

        # the bell: the notice, marked read, and the order it is about
        page.click("header .bell")
        page.wait_for_url("**/work/notices/")
        notice = page.locator("li.notice")
        assert (
            f"工单 {order.number} 有新进展。" in notice.inner_text()
            and "未读" in notice.inner_text()
        )
        notice.locator("button:text-is('标为已读')").click()
        page.wait_for_url("**/work/notices/")
        assert page.locator("header .bell .count").count() == 0, role
        assert "未读" not in page.locator("li.notice").inner_text()
        page.click(f"button:has-text('查看工单 {order.number}')")
        page.wait_for_url(f"**/work/orders/{order.number}/")
        assert order.title in page.inner_text("main"), role
        page.context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_system_administrator_lands_on_the_admin(asgi_server, browser, viewport):
    ada = person(UserFactory, username="ada", role=Role.ADMIN, last_name="艾", first_name="达")
    device = TOTPDevice.objects.create(user=ada, name="手机", confirmed=True)
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS[viewport]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{asgi_server}/login/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_token")
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("button:has-text('验证')")
    page.wait_for_url(f"{asgi_server}/admin/")
    assert "民意直通 管理后台" in page.inner_text("body")
    assert "工作日历" in page.inner_text("#content-main")
    screenshot(page, f"admin-{viewport}")
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_callback_agent_finds_what_they_archived_under_我已处理(
    asgi_server, browser, dept_a, viewport
):
    carl = person(UserFactory, username="carl", role=Role.CALLBACK, last_name="蔡", first_name="乐")
    hana = person(HandlerFactory, username="hana", department=dept_a)
    archived = make_order("archived", handler=hana, agent=carl, title="小区门口占道经营")
    make_order("replied", handler=hana, title="清溪镇自来水停水三天")

    page = signed_in(browser, asgi_server, carl, **VIEWPORTS[viewport])
    assert archived.number not in page.inner_text("#list")  # no longer waiting for callback
    page.click("nav.tabs a:text-is('我已处理')")
    page.wait_for_selector(f".order-row[data-number='{archived.number}']")
    row = page.locator(f".order-row[data-number='{archived.number}']")
    assert "归档" in row.inner_text() and "已归档" in row.inner_text()
    assert "按我最近处理时间倒序" in page.inner_text("#list")
    assert _fits_the_screen(page)
    screenshot(page, f"callback-acted-{viewport}")
    row.locator("a").first.click()
    page.wait_for_url(f"**/work/orders/{archived.number}/")
    assert "已归档" in page.inner_text("main")
    page.context.close()
