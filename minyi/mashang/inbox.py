"""The staff side's inbox of messages (``/work/messages/``): tabs over what
``selectors.messages_visible_to`` gives the user, never more. 待处理 is what waits for this
user's side to act — oldest first, so nothing waits longest unseen; the other tabs newest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from minyi.accounts.models import Role, role_of
from minyi.mashang.models import MESSAGE_DONE, Holder, Message, MessageStatus
from minyi.mashang.privacy import citizen_shown
from minyi.mashang.selectors import messages_visible_to

PAGE = 100  # rows a tab lists; the tab says so when there are more
FIRST_WORDS = 40
WAITING = (MessageStatus.OPEN, MessageStatus.RESULT)
# Which holder is "us" for each role that works on messages.
HOLDER_OF_ROLE = {
    Role.DEPUTY: Holder.DEPUTY,
    Role.STATION: Holder.STATION,
    Role.LIAISON: Holder.LIAISON,
}


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    sort: str  # what the tab says of its order


TODO = Tab("todo", "待处理", "按留言时间先后排列，等待最久的在前")
TABS = (
    TODO,
    Tab("forwarded", "已转12345", "按最近变化倒序"),
    Tab("elsewhere", "在他处办理", "按最近变化倒序"),
    Tab("done", "已答复/已关闭", "按最近变化倒序"),
)


def tab_of(key: str) -> Tab:
    return next((t for t in TABS if t.key == key), TODO)


def inbox_queue(user, tab: Tab) -> QuerySet[Message]:
    messages = messages_visible_to(user).select_related("deputy", "station")
    mine = HOLDER_OF_ROLE.get(role_of(user), "")
    if tab.key == "todo":
        waiting = messages.filter(status__in=WAITING, holder=mine, flagged=False)
        return waiting.order_by("created_at", "id")
    if tab.key == "forwarded":
        messages = messages.filter(status=MessageStatus.FORWARDED)
    elif tab.key == "elsewhere":
        messages = messages.filter(status__in=WAITING).exclude(holder=mine, flagged=False)
    else:
        messages = messages.filter(status__in=MESSAGE_DONE)
    return messages.order_by("-updated_at", "-id")


def todo_count(user) -> QuerySet[Message]:
    """What the header counts: the 待处理 tab."""
    return inbox_queue(user, TODO)


def first_words(text: str) -> str:
    line = " ".join((text or "").split())
    return line[:FIRST_WORDS] + ("…" if len(line) > FIRST_WORDS else "")


def rows(user, queryset: QuerySet[Message]) -> tuple[list[Message], bool]:
    """A tab's rows, each with ``citizen`` (the privacy rule's reading) and ``first_words``,
    and whether there are more than the page shows."""
    found = list(queryset[: PAGE + 1])
    for message in found[:PAGE]:
        message.citizen = citizen_shown(user, message)
        message.first_words = first_words(message.content) if not message.scrubbed_at else ""
    return found[:PAGE], len(found) > PAGE


def deputy_switch(user, current: str) -> dict | None:
    """The deputy's two lists side by side (选民留言 / 我的工单, ``_switch.html``, which shows
    the header's count): one place for all of a deputy's matters. None for other roles."""
    if role_of(user) != Role.DEPUTY:
        return None
    return {"current": current}
