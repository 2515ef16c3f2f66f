"""The main pages under the Content-Security-Policy in a real browser: any inline script or
style, eval, or a resource from elsewhere would be blocked and reported. Each role's pages, the
order detail with its forms, the admin and the API docs are opened; the test fails on any
violation the browser reports (the `securitypolicyviolation` event and the console)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from minyi.accounts.models import Role, User
from tests.factories import DepartmentFactory, HandlerFactory, UserFactory, make_order
from tests.logins import sign_in

pytestmark = pytest.mark.browser

# Recorded by the page itself, from the first script on: the browser fires this event for
# every blocked inline script/style, eval and foreign resource.
RECORDER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
});
"""


class Browser:
    """One browser context per user, signed in through a session made by the test client."""

    def __init__(self, browser, base: str):
        self.browser, self.base, self.console = browser, base, []

    def page_for(self, user: User | None):
        context = self.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        context.add_init_script(RECORDER)
        if user is not None:
            client = sign_in(Client(), user)  # the administrators with their second factor
            cookie = client.cookies["sessionid"]
            context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": self.base}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._console)
        return page

    def _console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def violations(self, page, path: str, ready: str = "body") -> list[str]:
        page.goto(self.base + path)
        page.wait_for_selector(ready)
        page.wait_for_timeout(150)  # htmx and the page's scripts run on DOMContentLoaded
        found = page.evaluate("window.__csp") + self.console
        self.console = []
        return [f"{path}: {v}" for v in found]


@pytest.fixture
def csp_browser(browser, asgi_server):
    return Browser(browser, asgi_server)


@pytest.fixture
def people(db):
    password = make_password("correct-horse-42")  # hashed once: six users, one hash
    city = DepartmentFactory(name="韶山市城市管理局")
    DepartmentFactory(name="韶山市交通运输局")
    people = {
        "operator": UserFactory(username="olivia", role=Role.OPERATOR, password=password),
        "dispatcher": UserFactory(username="dan", role=Role.DISPATCHER, password=password),
        "handler": HandlerFactory(username="hana", department=city, password=password),
        "callback": UserFactory(username="carl", role=Role.CALLBACK, password=password),
        "liaison": UserFactory(username="lia", role=Role.LIAISON, password=password),
        "admin": UserFactory(username="ada", role=Role.ADMIN, password=password),
    }
    people["accepted"] = make_order("accepted", operator=people["operator"])
    people["dispatched"] = make_order(
        "dispatched", lead=city, dispatcher=people["dispatcher"], handler=people["handler"]
    )
    return people


def test_the_recorder_catches_an_inline_style(csp_browser, people):
    """The detector itself: an inline style attribute injected into a page is reported."""
    page = csp_browser.page_for(None)
    csp_browser.violations(page, "/login/")

    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(100)

    assert any("style-src" in v for v in page.evaluate("window.__csp"))


def test_the_main_pages_run_under_the_policy_without_a_violation(csp_browser, people):
    accepted, dispatched = people["accepted"].number, people["dispatched"].number
    visits = [
        (None, "/login/", "#id_username"),
        (None, "/admin/login/", "#id_username"),  # the admin signs in on the same page
        ("operator", "/console/", "#lookup-phone"),
        ("operator", f"/console/orders/{accepted}/", "main"),
        ("dispatcher", "/work/dispatch/", "main"),
        ("dispatcher", f"/work/orders/{accepted}/?do=dispatch", "#action-dispatch"),
        ("handler", "/work/department/", "main"),
        ("handler", f"/work/orders/{dispatched}/?do=return", "#action-return input[type=file]"),
        ("callback", "/work/callback/", "main"),
        ("liaison", "/work/ledger/", "#ledger-filters"),
    ]
    found = []
    pages = {}
    for who, path, ready in visits:
        if who not in pages:
            pages[who] = csp_browser.page_for(people.get(who))
        found += csp_browser.violations(pages[who], path, ready)

    assert found == []


def test_the_dispatch_form_searches_departments_under_the_policy(csp_browser, people):
    """htmx at work (the department search swaps options in): no eval, no injected style."""
    page = csp_browser.page_for(people["dispatcher"])
    csp_browser.violations(
        page, f"/work/orders/{people['accepted'].number}/?do=dispatch", "#dept-search"
    )

    page.fill("#dept-search", "交通")
    page.wait_for_function(
        "document.querySelector('#id_dispatch_lead').textContent.includes('交通运输局')"
    )

    assert page.evaluate("window.__csp") + csp_browser.console == []


def test_the_api_docs_try_a_request_under_the_policy(csp_browser, people):
    """Swagger UI loads its init script as a file and runs a request without a violation."""
    page = csp_browser.page_for(people["handler"])
    found = csp_browser.violations(page, "/api/docs/", ".swagger-ui .information-container")

    page.click(".opblock-get .opblock-summary-path >> nth=0")  # GET /api/orders/
    page.click("text=Try it out")
    page.click("text=Execute")
    status = page.locator(".live-responses-table tbody .response-col_status").first

    assert status.inner_text().strip() == "200"
    assert found + page.evaluate("window.__csp") + csp_browser.console == []


def test_the_admin_runs_under_the_policy_without_a_violation(csp_browser, people, deputy):
    order = people["dispatched"]
    page = csp_browser.page_for(people["admin"])
    found = []
    for path, ready in [
        ("/admin/", "#content"),
        ("/admin/orders/workorder/", "#result_list"),
        (f"/admin/orders/workorder/{order.pk}/change/", "#content"),
        ("/admin/reference/department/add/", "#department_form"),
        ("/admin/deputies/deputy/", "#content"),
        ("/admin/workdays/calendaryear/", "#content"),
        ("/admin/notify/messagetemplate/", "#content"),
    ]:
        found += csp_browser.violations(page, path, ready)
    # the widgets at work: the calendar pop-up and an autocomplete search (select2)
    found += csp_browser.violations(page, "/admin/workdays/specialday/add/", ".datetimeshortcuts")
    page.click(".datetimeshortcuts a:has(.date-icon)")
    page.wait_for_selector(".calendarbox", state="visible")
    found += page.evaluate("window.__csp") + csp_browser.console
    found += csp_browser.violations(
        page, f"/admin/deputies/deputy/{deputy.pk}/change/", "#deputy_form"
    )
    page.click("#mandates-0 .select2-selection")
    page.wait_for_selector(".select2-results__option")
    found += page.evaluate("window.__csp") + csp_browser.console

    assert found == []
