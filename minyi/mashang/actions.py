"""The one registry of what may be done to a message on the staff side: each action's name,
words, form, service call, and who may take it when. The message page and any API take their
buttons and their checks from here; nothing else decides.

Who: ``selectors.may_act`` (the holder's people — the deputy, the station's staff, the liaison
officers — on a message neither done nor flagged), narrowed per action by the holders it may
come from and the statuses it accepts. The services check the same again under the row lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from minyi.mashang import forms as f
from minyi.mashang.models import Holder, Message, MessageStatus
from minyi.mashang.selectors import may_act
from minyi.mashang.services import abuse, handling
from minyi.mashang.services.handling import ANSWERABLE, CLOSABLE, HANDABLE
from minyi.mashang.services.messages import station_of

ANY_HOLDER = frozenset(Holder.values)


@dataclass(frozen=True)
class MessageAction:
    name: str
    title: str  # the button, and the form's heading
    button: str  # the form's submit button
    form: type[f.MessageActionForm]
    # (message, cleaned data, user) → the success message
    perform: Callable[[Message, dict, object], str]
    statuses: frozenset[str]
    holders: frozenset[str] = ANY_HOLDER
    secondary: bool = False  # turns the message away or hands it on: a secondary button
    offered: Callable[[Message], bool] = lambda message: True
    # who may take it, when not the holder's people (``may_act``): flagging and blocking
    permitted: Callable[[object, Message], bool] | None = None


def _answer(message, data, user) -> str:
    handling.message_answer(message=message, actor=user, text=data["text"])
    return "已答复，群众将收到短信提示查看。"


def _forward(message, data, user) -> str:
    message = handling.message_forward(
        message=message,
        actor=user,
        note=data["note"],
        title=data["title"],
        request_type=data["request_type"],
    )
    return f"已转12345，生成工单 {message.order.number}（已受理）。办理结果将回到这里。"


def _to_station(message, data, user) -> str:
    message = handling.message_to_station(message=message, actor=user, note=data["note"])
    return f"已转交{message.station.name}。"


def _to_liaison(message, data, user) -> str:
    handling.message_to_liaison(message=message, actor=user, note=data["note"])
    return "已转交市县人大联络机构。"


def _close(message, data, user) -> str:
    handling.message_close(message=message, actor=user, note=data["note"])
    return "已关闭。"


def _flag(message, data, user) -> str:
    abuse.message_flag(message=message, actor=user, reason=data["reason"])
    return "已标记为恶意留言，留言已关闭。"


def _block(message, data, user) -> str:
    abuse.phone_block(message=message, actor=user, reason=data["reason"])
    return "已屏蔽该号码，可在“屏蔽号码”中解除。"


def _has_station(message: Message) -> bool:
    return bool(message.station_id) or station_of(message.deputy) is not None


ACTIONS: dict[str, MessageAction] = {
    action.name: action
    for action in (
        MessageAction(
            "answer", "答复群众", "发送答复", f.AnswerForm, _answer, frozenset(ANSWERABLE)
        ),
        MessageAction(
            "forward",
            "转12345办理",
            "转12345",
            f.ForwardForm,
            _forward,
            frozenset(HANDABLE),
        ),
        MessageAction(
            "to-station",
            "转交联络站",
            "转交联络站",
            f.HandForm,
            _to_station,
            frozenset(HANDABLE),
            holders=frozenset({Holder.DEPUTY}),
            secondary=True,
            offered=_has_station,
        ),
        MessageAction(
            "to-liaison",
            "转交市县人大联络机构",
            "转交联络机构",
            f.HandForm,
            _to_liaison,
            frozenset(HANDABLE),
            holders=frozenset({Holder.DEPUTY, Holder.STATION}),
            secondary=True,
        ),
        MessageAction(
            "close", "关闭留言", "关闭", f.CloseForm, _close, frozenset(CLOSABLE), secondary=True
        ),
        # abuse: the message's deputy or its station's staff flag it (it closes, out of every
        # figure); station staff block its number (the message stays as it is)
        MessageAction(
            "flag",
            "标记为恶意留言",
            "确认标记",
            f.ReasonForm,
            _flag,
            frozenset({MessageStatus.OPEN}),
            secondary=True,
            permitted=lambda user, message: not message.flagged and abuse.may_flag(user, message),
        ),
        MessageAction(
            "block",
            "屏蔽留言号码",
            "确认屏蔽",
            f.ReasonForm,
            _block,
            frozenset(MessageStatus.values),
            secondary=True,
            permitted=abuse.may_block,
            offered=lambda message: bool(message.phone) and not abuse.phone_blocked(message.phone),
        ),
    )
}


def allowed(name: str, user, message: Message) -> bool:
    action = ACTIONS.get(name)
    return bool(
        action
        and (action.permitted or may_act)(user, message)
        and message.status in action.statuses
        and message.holder in action.holders
        and action.offered(message)
    )


def allowed_actions(user, message: Message) -> list[str]:
    """The actions ``user`` may take on ``message`` now, in the registry's order (the usual
    next step first: the answer once 12345 has a result, forwarding while it is open)."""
    return [name for name in ACTIONS if allowed(name, user, message)]


@dataclass
class Button:
    """One button of the message page and, when it is open, its form."""

    name: str
    title: str
    button: str
    primary: bool
    form: f.MessageActionForm | None = None

    @property
    def open(self) -> bool:
        return self.form is not None


def buttons(user, message: Message, *, bound: dict, open_name: str = "") -> list[Button]:
    """A button per allowed action; the one asked for (``?do=``) or just posted (``bound``,
    with its errors) carries its form, with the cursor in its first field to type into."""
    names = allowed_actions(user, message)
    if message.status == MessageStatus.RESULT and "answer" in names:
        open_name = open_name or "answer"  # the result is in: answering is the one question
    shown = []
    for i, name in enumerate(names):
        action = ACTIONS[name]
        form = None
        if name in bound or name == open_name:
            form = bound.get(name) or action.form(message=message, action=name)
            fields = form.visible_fields()
            field = next((bf for bf in fields if bf.errors), fields[0] if fields else None)
            if field is not None:
                field.field.widget.attrs["autofocus"] = True
        primary = i == 0 and not action.secondary
        shown.append(Button(name, action.title, action.button, primary, form))
    return shown
