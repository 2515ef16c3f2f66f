"""The photos a citizen attaches to a message: at most ``PHOTOS_MAX``, images only, each passed
through ``minyi.uploads.check_upload`` (type read from the content, size limit) which re-encodes
it, so no GPS position or other metadata is stored."""

from __future__ import annotations

from minyi.core import clock
from minyi.mashang.models import PHOTOS_MAX, Message, MessagePhoto
from minyi.uploads import check_upload
from minyi.uploads.check import CheckedFile
from minyi.uploads.errors import UploadRefused

NOT_A_PHOTO = "只能上传照片（JPG、PNG 或 WebP 格式）。"


def photos_checked(files) -> list[CheckedFile]:
    """Each of ``files`` checked and re-encoded; ``UploadRefused`` with the reason otherwise."""
    files = [f for f in (files or []) if f]
    if len(files) > PHOTOS_MAX:
        raise UploadRefused(f"最多上传{PHOTOS_MAX}张照片。", code="too_many_photos")
    checked = []
    for file in files:
        one = check_upload(file)
        if not one.content_type.startswith("image/"):
            raise UploadRefused(NOT_A_PHOTO, code="file_type")
        checked.append(one)
    return checked


def photos_attach(message: Message, checked: list[CheckedFile]) -> None:
    now = clock.now()
    for one in checked:
        photo = MessagePhoto(
            message=message, content_type=one.content_type, size=one.size, uploaded_at=now
        )
        photo.file.save(f"photo{one.extension}", one.content, save=False)
        photo.save()
