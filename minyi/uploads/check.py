"""``check_upload``: the one check every stored file passes (see the package docstring).

1. size: refused above ``MINYI_UPLOADS["MAX_BYTES"]`` from the size the upload handler counted,
   before anything is read (the handler stops keeping bytes past the limit: handlers.py);
2. type: read from the content against the allow-list (detect.py);
3. name: its extension must be one of that type's;
4. zip-based documents: checked from the zip directory (archives.py);
5. images: re-encoded without metadata (images.py).
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from django.core.files import File

from minyi.uploads import archives, images, types
from minyi.uploads.detect import detect
from minyi.uploads.errors import UploadRefused

NAME_MAX = 200  # Attachment.name


@dataclass(frozen=True)
class CheckedFile:
    content: File  # what to store: the upload itself, or the re-encoded image
    name: str  # the name users gave it, cleaned: shown and offered on download, never a path
    content_type: str  # from the detected type; the download serves exactly this
    extension: str  # of the detected type, for the stored name (".pdf")
    size: int


def check_upload(file, *, name: str = "") -> CheckedFile:
    name = display_name(name or getattr(file, "name", "") or "")
    size = _size(file)
    if size == 0:
        raise UploadRefused("文件是空的，请重新选择。", code="file_empty")
    if size > types.max_bytes():
        raise UploadRefused(
            f"文件过大（{types.megabytes(size)}），上限为 {types.limit_text()}。",
            code="file_too_large",
        )
    file_type = detect(file)
    _check_extension(name, file_type)
    content = file
    if file_type.family == "zip":
        archives.check_archive(file, size=size)
    elif file_type.family == "image":
        content = images.reencode(file, file_type)
        size = content.size
    content.seek(0)
    return CheckedFile(
        content=content if isinstance(content, File) else File(content),
        name=name,
        content_type=file_type.mime,
        extension=file_type.extension,
        size=size,
    )


def display_name(raw: str) -> str:
    """The last path part, without control characters, at most NAME_MAX long (keeping the
    extension): safe to show and to put in a Content-Disposition header."""
    name = os.path.basename(raw.replace("\\", "/"))
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        name = stem[: NAME_MAX - len(ext)] + ext
    return name


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:  # a plain file object: measure it without reading it
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    return size


def _check_extension(name: str, file_type: types.FileType) -> None:
    extension = os.path.splitext(name)[1].lower()
    if not extension:
        raise UploadRefused(
            f"文件名缺少扩展名，内容是 {file_type.label}，请以“{file_type.extension}”结尾。",
            code="file_extension",
        )
    if extension not in file_type.extensions:
        raise UploadRefused(
            f"文件扩展名“{extension}”与内容（{file_type.label}）不符，请确认是否选错了文件。",
            code="file_extension",
        )
