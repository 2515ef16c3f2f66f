"""Personas and helpers of the deputy's side of 码上找代表 (tests/mashang/test_handling.py,
test_followup.py, test_inbox_pages.py, test_phone_login.py).

王代表 (``wang``) has an account and sits for 银田镇; his township's station is 银田镇人大代表联络站,
where 孙站 (``sun``) works. 联工委的刘 (``liu``) is a liaison officer. 赵代表 (``zhao``) is another
deputy. 王小明 left 王代表 a message from ``CITIZEN_PHONE``.
"""

from __future__ import annotations

from minyi.accounts.models import Role
from minyi.deputies.models import Level
from minyi.notify.models import Notice, OutboxMessage
from minyi.notify.services import outbox_send
from tests.factories import (
    DeputyFactory,
    LiaisonStationFactory,
    MessageFactory,
    UserFactory,
    seat,
)

CITIZEN_PHONE = "+8613712345678"
CITIZEN_MASKED = "137****5678"


def station_and_deputy(name: str = "王代表", username: str = "wang"):
    station = LiaisonStationFactory(name="银田镇人大代表联络站")
    person = DeputyFactory(name=name, mandate=None)
    seat(person, "银田镇人大", Level.TOWNSHIP, station=station)
    user = UserFactory(
        username=username, last_name=name, first_name="", role=Role.DEPUTY, deputy=person
    )
    return station, person, user


def message_to(person, **fields):
    fields.setdefault("phone", CITIZEN_PHONE)
    return MessageFactory(deputy=person, **fields)


def station_staff(station, username: str = "sun"):
    return UserFactory(
        username=username, last_name="孙", first_name="站", role=Role.STATION, station=station
    )


def liaison_officer(username: str = "liu"):
    return UserFactory(username=username, last_name="刘", first_name="联", role=Role.LIAISON)


def sms_to(phone: str, template: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient_phone=phone, template_code=template))


def notices_of(user) -> list[str]:
    """The texts of ``user``'s in-app notices, once the outbox has delivered them."""
    for row in OutboxMessage.objects.filter(recipient_user=user, status="pending").order_by("id"):
        outbox_send(row.pk)
    return list(Notice.objects.filter(user=user).order_by("id").values_list("text", flat=True))
