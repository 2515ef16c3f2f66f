"""The allow-list: what a leader's opinion or a piece of evidence may be.

Scans and photos (PDF, JPEG, PNG, WebP), Word and Excel documents in their zip-based formats
(.docx, .xlsx) and OFD, the national standard for electronic documents (GB/T 33190, 电子公文).
Left out on purpose: the old Office formats (.doc/.xls, OLE containers that can carry macros
we cannot inspect without another parser: save them as .docx/.xlsx or PDF), any bare archive,
HTML, SVG and plain text (a browser would run or render them), programs of any kind, and
HEIC/TIFF/GIF (not needed; a phone sends JPEG when the form asks for it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FileType:
    label: str  # as users read it, in messages
    mime: str  # the Content-Type we serve it with
    extensions: tuple[str, ...]  # the names it may have, lower case, the first one for storage
    family: str  # how it is checked: "document", "image" or "zip"
    pillow_format: str = ""  # for images: the format Pillow reads and writes

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("PDF", "application/pdf", (".pdf",), "document")
JPEG = FileType("JPG", "image/jpeg", (".jpg", ".jpeg"), "image", "JPEG")
PNG = FileType("PNG", "image/png", (".png",), "image", "PNG")
WEBP = FileType("WebP", "image/webp", (".webp",), "image", "WEBP")
DOCX = FileType(
    "Word（.docx）",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    "zip",
)
XLSX = FileType(
    "Excel（.xlsx）",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    "zip",
)
OFD = FileType("OFD", "application/ofd", (".ofd",), "zip")

ALLOWED: tuple[FileType, ...] = (PDF, JPEG, PNG, WEBP, DOCX, XLSX, OFD)


def max_bytes() -> int:
    return settings.MINYI_UPLOADS["MAX_BYTES"]


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def limit_text() -> str:
    limit = max_bytes() / 1024 / 1024
    return f"{limit:g} MB"


def types_text(allowed: tuple[FileType, ...] = ALLOWED) -> str:
    labels = [t.label for t in allowed]
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "或 " + labels[-1]


def allowed_text(allowed: tuple[FileType, ...] = ALLOWED) -> str:
    """What the form says under the file field."""
    return f"可上传 {types_text(allowed)} 文件，不超过 {limit_text()}。"


def accept_attribute(allowed: tuple[FileType, ...] = ALLOWED) -> str:
    """The file input's ``accept``: the browser offers only these (and a phone sends a JPEG)."""
    return ",".join(ext for t in allowed for ext in t.extensions)
