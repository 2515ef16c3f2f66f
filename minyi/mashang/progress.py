"""What the citizen reads of their own message (the status page and the public API): its
progress in plain words, the answer when there is one, and the timeline from the event rows —
no staff names, no internal notes, no events that are the staff's own business (a reminder, a
flag, the retention job). One place, so the page and the API say the same."""

from __future__ import annotations

from dataclasses import dataclass

from minyi.core import timefmt
from minyi.mashang.models import (
    MESSAGE_DONE,
    Holder,
    Message,
    MessageEventKind,
    MessageStatus,
)

# the words for the current state (status; for an open message, who holds it)
_OPEN = {
    Holder.DEPUTY: "代表已收到，正在处理",
    Holder.STATION: "已转交代表联络站，正在处理",
    Holder.LIAISON: "已转交市县人大联络机构，正在处理",
}
_STATUS = {
    MessageStatus.FORWARDED: "已转交12345热线办理",
    MessageStatus.RESULT: "12345热线已办理完毕，代表正在答复",
    MessageStatus.ANSWERED: "代表已答复",
    MessageStatus.CLOSED: "已办结",
}
# the timeline's words per event; a kind missing here is not shown to the citizen
TIMELINE_WORDS = {
    MessageEventKind.CREATED: "您的留言已送达代表",
    MessageEventKind.REPEATED: "您再次提交了相同内容，已并入本留言",
    MessageEventKind.VIEWED: "代表已阅读您的留言",
    MessageEventKind.TO_STATION: "已转交代表联络站办理",
    MessageEventKind.TO_LIAISON: "已转交市县人大联络机构办理",
    MessageEventKind.FORWARDED: "已转交12345热线办理",
    MessageEventKind.ORDER_REJECTED: "12345热线未受理，仍由代表处理",
    MessageEventKind.ORDER_ESCALATED: "12345热线转为代表建议，仍由代表处理",
    MessageEventKind.RESULT: "12345热线已反馈办理结果",
    MessageEventKind.ANSWERED: "代表已答复",
    MessageEventKind.CLOSED: "留言已办结",
    MessageEventKind.RATED: "您已评价",
}


def status_words(message: Message) -> str:
    if message.status == MessageStatus.OPEN:
        return _OPEN.get(message.holder, _OPEN[Holder.DEPUTY])
    return _STATUS.get(message.status, "正在处理")


@dataclass(frozen=True)
class Step:
    at: str  # Beijing time, as text
    at_iso: str
    kind: str
    text: str


@dataclass(frozen=True)
class Progress:
    tracking_code: str
    deputy: str
    status: str  # the machine value (open, forwarded, result, answered, closed)
    status_text: str
    content: str  # the citizen's own message; "" once scrubbed
    answer: str
    created_at: str
    timeline: list[Step]
    may_rate: bool
    rating: str  # "" until rated
    rating_text: str  # 满意, 基本满意, 不满意
    rating_answered: bool | None


def progress_of(message: Message) -> Progress:
    """The citizen's view of ``message`` (found by ``selectors.message_for_citizen``)."""
    steps = [
        Step(
            at=timefmt.local_text(event.at),
            at_iso=timefmt.iso(event.at),
            kind=event.kind,
            text=TIMELINE_WORDS[event.kind],
        )
        for event in message.events.order_by("at", "id")
        if event.kind in TIMELINE_WORDS
    ]
    return Progress(
        tracking_code=message.tracking_code,
        deputy=message.deputy.name,
        status=message.status,
        status_text=status_words(message),
        content=message.content if not message.scrubbed_at else "",
        answer=message.answer if not message.scrubbed_at else "",
        created_at=timefmt.local_text(message.created_at),
        timeline=steps,
        may_rate=message.status in MESSAGE_DONE and message.rated_at is None,
        rating=message.rating,
        rating_text=message.get_rating_display() if message.rating else "",
        rating_answered=message.rating_answered,
    )
