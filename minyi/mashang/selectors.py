"""Who sees which 码上找代表 messages, and who may act on one: the one place pages, lists and the
API ask (fail closed: an unknown role, an anonymous visitor or a deactivated account gets none).

| who                    | sees                                                        | acts when          |
| ---------------------- | ----------------------------------------------------------- | ------------------ |
| deputy                 | the messages to them, wherever they are now                  | holder is the deputy |
| station staff          | their station's messages handed to it, or shown to it after ``STATION_TELL_WORKING_DAYS`` | holder is the station |
| liaison officer (联工委) | the messages handed to the city/county liaison body          | holder is the liaison body |
| everyone else          | none (the hotline sees a forwarded message as its order)     | never              |

A citizen sees their own message only by tracking code plus phone (``message_for_citizen``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from minyi.accounts.models import Role, role_of
from minyi.mashang.models import Holder, Message
from minyi.mashang.services.verification import digest, mobile


def messages_visible_to(user) -> QuerySet[Message]:
    role = role_of(user)
    messages = Message.objects.all()
    if role == Role.DEPUTY and getattr(user, "deputy_id", None):
        return messages.filter(deputy_id=user.deputy_id)
    if role == Role.STATION and getattr(user, "station_id", None):
        return messages.filter(station_id=user.station_id).filter(
            Q(holder=Holder.STATION) | Q(station_told_at__isnull=False)
        )
    if role == Role.LIAISON:
        return messages.filter(holder=Holder.LIAISON)
    return messages.none()


def may_act(user, message: Message) -> bool:
    """Whether ``user`` may answer, hand over, forward or close ``message`` now."""
    if message.is_done or message.flagged:
        return False
    role = role_of(user)
    if role == Role.DEPUTY:
        return message.holder == Holder.DEPUTY and message.deputy_id == user.deputy_id
    if role == Role.STATION:
        return message.holder == Holder.STATION and message.station_id == user.station_id
    if role == Role.LIAISON:
        return message.holder == Holder.LIAISON
    return False


def message_for_citizen(tracking_code: str, phone: str) -> Message | None:
    """The citizen's own message: the tracking code and the phone it was sent from must both
    match (a wrong phone finds nothing, exactly like an unknown code)."""
    code = (tracking_code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    try:
        number = mobile(phone)
    except Exception:  # noqa: BLE001 - any bad number finds nothing
        return None
    message = Message.objects.filter(tracking_code=code).first()
    if message is None or not message.phone or message.phone != number:
        return None
    return message


__all__ = ["digest", "may_act", "message_for_citizen", "messages_visible_to"]
