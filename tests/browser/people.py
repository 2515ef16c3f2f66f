"""The people of the browser tests and how they sign in, as a user would: the log-in form."""

from __future__ import annotations

import os
from pathlib import Path

PASSWORD = "correct-horse-42"


def person(factory, **fields):
    """A user from ``factory`` who signs in with ``PASSWORD``."""
    user = factory(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def signed_in(browser, base: str, user, **context):
    """A page of a new browser context (Chinese, Beijing time), signed in as ``user``."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, base, user.username)
    return page


def screenshot(page, name: str) -> None:
    """Save what ``page`` shows as ``<name>.png`` in the folder ``MINYI_SCREENSHOTS`` names
    (``make screenshots``: docs/screenshots/, which the README shows); without it, nothing:
    a plain test run writes nothing into the checkout."""
    folder = os.environ.get("MINYI_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def order_act(page, base: str, number: str, action: str, fill=None) -> None:
    """On the order's page, open one action's form by its button (``#do-<action>``), let
    ``fill(page)`` fill it, send it, and check that it went through."""
    page.goto(f"{base}/work/orders/{number}/")
    page.click(f"#do-{action}")  # one button per action; it opens that action's form alone
    form = page.locator(f"#action-{action}")
    form.wait_for()
    if fill:
        fill(page)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "未完成" not in page.content(), page.inner_text("main")[:500]
