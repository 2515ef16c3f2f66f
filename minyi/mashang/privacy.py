"""What a deputy, a station's staff or a liaison officer sees of the citizen who left a message
(DESIGN §9): the name as given (匿名 when the citizen chose so), the phone always masked — the
platform carries the answers, so nobody on this side needs the number. Fails closed: any other
role, an anonymous visitor or an inactive account gets nothing. Once scrubbed, nothing is left
to show. The hotline sees a forwarded message's citizen as the order's requester
(``minyi.privacy.rules.requester_shown``), with its own reveal-and-log rule."""

from __future__ import annotations

from dataclasses import dataclass

from minyi.accounts.models import Role, role_of
from minyi.core.masking import mask_phone
from minyi.mashang.models import Message

ANONYMOUS = "匿名"
WITHHELD = "不予显示"
SCRUBBED = "已清除"
# the roles that work on messages (minyi.mashang.selectors); the system administrator sees the
# masked citizen in the admin
_SEES_MASKED = frozenset({Role.DEPUTY, Role.STATION, Role.LIAISON, Role.ADMIN})


@dataclass(frozen=True)
class Citizen:
    label: str  # the one line for lists and headings
    name: str  # "" when anonymous or withheld
    phone: str  # masked; "" when withheld
    anonymous: bool


def citizen_shown(user, message: Message) -> Citizen:
    if role_of(user) not in _SEES_MASKED:
        return Citizen(label=WITHHELD, name="", phone="", anonymous=message.is_anonymous)
    if message.scrubbed_at:
        return Citizen(label=SCRUBBED, name="", phone="", anonymous=message.is_anonymous)
    phone = mask_phone(message.phone) if message.phone else ""
    if message.is_anonymous or not message.name:
        return Citizen(label=ANONYMOUS, name="", phone=phone, anonymous=True)
    return Citizen(label=message.name, name=message.name, phone=phone, anonymous=False)
