"""Which stations' figures a station or liaison page shows its viewer (the deputies with messages
waiting, the responsiveness tables). Counts and deputies' names only: no citizen, no text.

- station staff: their own station, whatever the address asks;
- a liaison officer (联工委, the city/county liaison body): every station, or the one picked
  (``?station=<id>``);
- anyone else: refused (``PermissionDenied``), fail closed.

A station's messages are those left through it (``Message.station``) and those left through the
code of one of its deputies (an active mandate at the station) that no station has yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from minyi.accounts.models import Role, role_of
from minyi.deputies.models import LiaisonStation, Mandate


@dataclass(frozen=True)
class Scope:
    station: LiaisonStation | None  # None: every station (a liaison officer's view)
    choosable: bool  # whether the page offers the station filter

    def messages_q(self) -> Q:
        if self.station is None:
            return Q()
        own = Mandate.objects.active().filter(station=self.station).values("deputy_id")
        return Q(station=self.station) | Q(station__isnull=True, deputy_id__in=own)


def scope_for(user, station_id: str | None = None) -> Scope:
    role = role_of(user)
    if role == Role.STATION and user.station_id:
        return Scope(station=user.station, choosable=False)
    if role == Role.LIAISON:
        station = None
        if station_id and str(station_id).isdigit() and len(str(station_id)) <= 9:
            station = LiaisonStation.objects.filter(pk=int(station_id)).first()
        return Scope(station=station, choosable=True)
    raise PermissionDenied("您的角色不能查看联络站的留言情况。")


def stations_to_choose():
    return LiaisonStation.objects.order_by("name").only("pk", "name")
