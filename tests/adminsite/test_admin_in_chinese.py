"""The admin speaks Chinese: every app, model, column, filter, action, field label and help text
an administrator reads, including those of the third-party apps (django-axes, django-otp,
django-tasks), whose English the project translates (minyi/locale, minyi/adminsite/apps.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin

from tests.adminsite.conftest import ADMIN_ROLES, login_as, model_urls, site_urls

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Names that stay in Latin letters in Chinese text: acronyms (CTI, IP, TOTP, PBX, ID …) and the
# keys Django's own Chinese help for a multiple choice names (按住 Control 键，或者 Mac 上的 Command 键).
KEPT = {"Control", "Command", "Mac", "Accept"}


class _Labels(HTMLParser):
    """The text of what names things on an admin page: headings, column headers, the filter
    side bar, the actions, field labels and help texts, and (on the index pages) the whole
    content: app and model names. Not the rows' data (user names, codes, payloads)."""

    def __init__(self, *, whole_content: bool):
        super().__init__()
        self.whole_content = whole_content
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def _names(self, tag: str, attrs: dict) -> bool:
        classes = (attrs.get("class") or "").split()
        return (
            tag in ("label", "caption", "thead", "h1")
            or (tag == "div" and "help" in classes)
            or attrs.get("id") == "changelist-filter"
            or (tag == "select" and attrs.get("name") == "action")
            or (self.whole_content and attrs.get("id") == "content-main")
        )

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        inside = bool(self.stack and self.stack[-1])
        self.stack.append(inside or self._names(tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1]:
            self.texts.append(data)


def english_words(html: str, *, whole_content: bool = False) -> set[str]:
    parser = _Labels(whole_content=whole_content)
    parser.feed(html)
    text = " ".join(parser.texts)
    text = re.sub(r"[\w/.-]+\.(md|py|html)\b|\{\w+\}", "", text)  # a file's path, {placeholder}
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    return {w for w in words if not w.isupper() and w not in KEPT}


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_every_admin_page_an_administrator_opens_names_things_in_chinese(client, world, role):
    client, user = login_as(client, role)
    pages = {name: (url, True) for name, url in site_urls().items()}
    for model in admin.site._registry:
        urls = model_urls(model, world.rows[model._meta.label_lower].pk)
        for page in ("changelist", "add", "change"):
            pages[f"{model._meta.label_lower}:{page}"] = (urls[page], False)
    opened = 0
    for name, (url, index) in pages.items():
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue  # not this role's page
        opened += 1
        found = english_words(response.content.decode(), whole_content=index)
        assert not found, (name, sorted(found))
    assert opened > 10


def test_the_change_history_filters_by_the_types_it_holds_under_their_chinese_names(client, world):
    client, _ = login_as(client, "audit")
    html = client.get("/admin/admin/logentry/").content.decode()
    side = html[html.index('id="changelist-filter"') :]
    assert "用户与角色 | 用户" in side
    # not every table a third-party app brought (Axes | access attempt, event counter …)
    assert not english_words(side)


def test_the_task_list_reads_status_and_columns_in_chinese(admin_client, world):
    html = admin_client.get("/admin/core/backgroundtask/").content.decode()
    assert "入队时间" in html and "任务" in html and "待执行" in html
    assert not english_words(html)
