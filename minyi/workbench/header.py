"""The header every signed-in page shows (``core/base.html``): the role's queues with their
counts, 查询工单, and the bell with the unread notices. Counted only when a page renders the
header, each count bounded ("99+", ``notify.inbox.bounded_count``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from minyi.accounts.models import Role
from minyi.notify import inbox
from minyi.workbench import list_selectors as lists


@dataclass(frozen=True)
class QueueLink:
    label: str
    url: str
    count: str = ""  # "" when the queue is not a to-do list (the ledger, the console)


# Per role: its page, and the queue on it worth a number in the header: the first tab, what
# waits for this role to start (待派单, 待签收, 待回访). One bounded count on an indexed state
# per page; the other tabs (a pending return, an extension) would each cost a scan.
_QUEUES: dict[str, tuple[str, str, tuple[lists.Tab, ...], Callable | None]] = {
    Role.DISPATCHER: ("派单工作台", "work-dispatch", lists.DISPATCH_TABS[:1], lists.dispatch_queue),
    Role.HANDLER: (
        "承办工作台",
        "work-department",
        lists.DEPARTMENT_TABS[:1],
        lists.department_queue,
    ),
    # the callback agent's second to-do: tracked orders waiting for the requester's confirmation
    Role.CALLBACK: (
        "回访工作台",
        "work-callback",
        (lists.CALLBACK_TABS[0], lists.CALLBACK_TABS[2]),
        lists.callback_queue,
    ),
    Role.OPERATOR: ("接线工作台", "console", (), None),
    Role.LIAISON: ("工作台账", "work-ledger", (), None),
    Role.DEPUTY: ("我的工单", "work-mine", (), None),
    # station staff work on 码上找代表 messages only: the shared inbox (minyi/mashang), no orders
    Role.STATION: ("选民留言", lists.PATH_HOME_BY_ROLE[Role.STATION], (), None),
}


# The other pages a role reaches from the header, after 查询工单, in this order: (roles, label,
# URL name). One table: a new page is one line here, not a role test in the template.
_PAGES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    ((Role.HANDLER,), "代表建议", "suggestions-department"),
    ((Role.DEPUTY,), "我的建议", "suggestions-mine"),
    ((Role.LIAISON,), "代表建议", "work-suggestions"),
    ((Role.LIAISON,), "月度报告", "reports"),
    ((Role.LIAISON,), "线索库", "clue-list"),
    ((Role.DEPUTY,), "小组线索", "clue-mine"),
    ((Role.DISPATCHER, Role.LIAISON), "派单提示", "hints"),
    ((Role.STATION, Role.LIAISON), "代表待处理", "mashang-deputies"),
    ((Role.STATION, Role.LIAISON), "响应情况", "mashang-stats"),
)


class Header:
    def __init__(self, user):
        self.user = user

    @cached_property
    def home(self) -> QueueLink | None:
        entry = _QUEUES.get(self.user.role)
        if not entry:
            return None
        link = QueueLink(entry[0], entry[1] if entry[1].startswith("/") else reverse(entry[1]))
        # station staff's page is the message inbox, linked (with its count) as ``messages``
        if self.messages and self.messages.url == link.url:
            return None
        return link

    @cached_property
    def queues(self) -> list[QueueLink]:
        entry = _QUEUES.get(self.user.role)
        if not entry or entry[3] is None:
            return []
        _, name, tabs, queue = entry
        if self.user.role == Role.HANDLER and not self.user.department_id:
            return []
        url = reverse(name)
        return [
            QueueLink(
                tab.label, f"{url}?tab={tab.key}", inbox.bounded_count(queue(self.user, tab.key))
            )
            for tab in tabs
        ]

    @cached_property
    def messages(self) -> QueueLink | None:
        """码上找代表: the messages waiting for this user's side (deputy, station, liaison)."""
        from minyi.mashang.inbox import HOLDER_OF_ROLE, todo_count

        if self.user.role not in HOLDER_OF_ROLE:
            return None
        count = inbox.bounded_count(todo_count(self.user))
        return QueueLink("选民留言", reverse("message-inbox"), count)

    @cached_property
    def unread(self) -> str:
        return inbox.unread_count(self.user)

    @cached_property
    def stats(self) -> list[QueueLink]:
        """统计分析, 部门考核, 代表履职 beside the ledger: the liaison officer's (issue 11); 热点问题
        (issue 12): the liaison officer's and the dispatcher's."""
        hot = QueueLink("热点问题", reverse("hot-issues"))
        if self.user.role == Role.DISPATCHER:
            return [hot]
        if self.user.role != Role.LIAISON:
            return []
        return [
            QueueLink("统计分析", reverse("stats-dashboard")),
            QueueLink("部门考核", reverse("stats-departments")),
            QueueLink("代表履职", reverse("stats-deputies")),
            hot,
        ]

    @cached_property
    def pages(self) -> list[QueueLink]:
        return [
            QueueLink(label, reverse(name))
            for roles, label, name in _PAGES
            if self.user.role in roles
        ]

    @property
    def searches(self) -> bool:
        return self.user.role in lists.HOME_BY_ROLE


def header(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"header": SimpleLazyObject(lambda: Header(user))}
