"""Zip-based documents (.docx, .xlsx, .ofd) are checked from the zip's central directory,
without extracting a byte: the sizes it declares decide.

A zip bomb is refused when the entries would unpack to more than ``MAX_UNZIPPED_BYTES``
together, when one entry of some size packs more than ``MAX_ZIP_RATIO`` to one (real Office
XML packs about 5–20 to one; a bomb thousands), when there are more than ``MAX_ZIP_ENTRIES``
entries, or when entries overlap (the "non-recursive" bombs point many entries at one block of
data). Macros and embedded programs are refused too: a .docx/.xlsx never needs them.
"""

from __future__ import annotations

import re
import zipfile

from django.conf import settings

from minyi.uploads.errors import UploadRefused
from minyi.uploads.types import megabytes

# An entry smaller than this may pack as tightly as it likes: it cannot hurt anyone.
RATIO_FLOOR_BYTES = 1024 * 1024

# vbaProject.bin holds VBA macros; activeX controls and OLE packages can carry programs.
_ACTIVE = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/|(^|/)embeddings/oleObject", re.I
)

_BOMB = "疑似“压缩炸弹”，已拒收。"


def check_archive(file, *, size: int) -> None:
    """Refuse ``file`` (a zip of ``size`` bytes) if it would unpack too big or carries code."""
    limits = settings.MINYI_UPLOADS
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRefused("文件已损坏，无法读取压缩文档的目录。", code="file_damaged") from None
    finally:
        file.seek(0)

    if len(entries) > limits["MAX_ZIP_ENTRIES"]:
        raise UploadRefused(
            f"文档内含 {len(entries)} 个部件，超过上限 {limits['MAX_ZIP_ENTRIES']}，" + _BOMB,
            code="file_archive",
        )
    unzipped = sum(e.file_size for e in entries)
    if unzipped > limits["MAX_UNZIPPED_BYTES"]:
        raise UploadRefused(
            f"文档展开后约 {megabytes(unzipped)}，超过上限 "
            f"{megabytes(limits['MAX_UNZIPPED_BYTES'])}，" + _BOMB,
            code="file_archive",
        )
    for entry in entries:
        if entry.file_size > RATIO_FLOOR_BYTES:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > limits["MAX_ZIP_RATIO"]:
                raise UploadRefused(
                    f"文档部件“{entry.filename[:60]}”压缩比异常（约 {ratio:.0f} 比 1），" + _BOMB,
                    code="file_archive",
                )
    if _overlapping(entries, size):
        raise UploadRefused("文档内的部件互相重叠，" + _BOMB, code="file_archive")
    active = [e.filename for e in entries if _ACTIVE.search(e.filename)]
    if active:
        raise UploadRefused(
            "文档含宏或嵌入的程序对象，已拒收；请另存为不含宏的 .docx、.xlsx 或 PDF 后再上传。",
            code="file_active_content",
        )


def _overlapping(entries: list[zipfile.ZipInfo], size: int) -> bool:
    """True when an entry's data starts inside the previous one's, or past the end of the file.
    (A local header is 30 bytes plus the name and extra field; the compressed data follows.)"""
    end = 0
    for entry in sorted(entries, key=lambda e: e.header_offset):
        if entry.header_offset < end or entry.header_offset + entry.compress_size > size:
            return True
        encoding = "utf-8" if entry.flag_bits & 0x800 else "cp437"  # as the zip stored the name
        name_length = len(entry.orig_filename.encode(encoding, errors="replace"))
        end = entry.header_offset + 30 + name_length + entry.compress_size
    return False
