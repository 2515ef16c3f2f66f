"""Shared pieces of the citizen's-side tests: a deputy with a code, a station with deputies,
a photo carrying a GPS position, and the SMS code a citizen would read on their phone."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minyi.mashang.services.verification import sms_code_issue

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
