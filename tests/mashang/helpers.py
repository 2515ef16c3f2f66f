"""People and messages of the station tests: 联络站 staff Sally of 银田镇 station, liaison officer
Lily (联工委), the deputy Zora (张三's account)."""

from __future__ import annotations

from minyi.accounts.models import Role
from minyi.mashang.models import Holder, Message
from tests.factories import LiaisonStationFactory, MessageFactory, UserFactory


def station(name: str = "银田镇人大代表联络站"):
    return LiaisonStationFactory(name=name)


def station_staff(station, username: str = "sally"):
    return UserFactory(
        username=username, last_name="孙", first_name="莎", role=Role.STATION, station=station
    )


def liaison_officer(username: str = "lily"):
    return UserFactory(username=username, last_name="林", first_name="丽", role=Role.LIAISON)


def deputy_account(deputy, username: str = "zora"):
    return UserFactory(
        username=username, last_name="张", first_name="三", role=Role.DEPUTY, deputy=deputy
    )


def handed_to_station(**fields) -> Message:
    """A message the deputy handed to their station (what the handling service leaves)."""
    return MessageFactory(holder=Holder.STATION, **fields)
