"""Shared pieces of the 码上找代表 tests.

The citizen's side: a photo carrying a GPS position, a PDF, and the SMS code a citizen would
read on their phone. The stations' side: 联络站 staff Sally of 银田镇 station, liaison officer Lily
(联工委), the deputy Zora (张三's account), a message handed to the station."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minyi.accounts.models import Role
from minyi.mashang.models import Holder, Message
from minyi.mashang.services.verification import sms_code_issue
from tests.factories import LiaisonStationFactory, MessageFactory, UserFactory

CITIZEN = "13812345678"
CITIZEN_E164 = "+8613812345678"
GPS_IFD = 34853


def code_sent(phone: str = CITIZEN, ip: str = "") -> str:
    """The 6 digits the citizen reads in the SMS (issued through the service)."""
    return sms_code_issue(phone=phone, ip=ip).code


def jpeg_with_gps(name: str = "街道.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[GPS_IFD] = {1: "N", 2: (28.0, 12.0, 30.0), 3: "E", 4: (112.0, 34.0, 5.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf_file(name: str = "材料.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


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
