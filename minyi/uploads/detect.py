"""What a file is, read from its content: the ``filetype`` library's signatures for the first
8 KB, and for a zip the archive's own directory (filetype looks only at the first few entries,
which WPS and LibreOffice order differently, and does not know OFD)."""

from __future__ import annotations

import zipfile

import filetype

from minyi.uploads import types
from minyi.uploads.errors import UploadRefused

# filetype's MIME → ours. Everything else is refused (named by filetype's guess, when it has one).
_BY_SIGNATURE = {
    "application/pdf": types.PDF,
    "image/jpeg": types.JPEG,
    "image/png": types.PNG,
    "image/apng": types.PNG,  # an animated PNG keeps its first frame when re-encoded
    "image/webp": types.WEBP,
}
_ZIP_MIMES = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# How a refusal names what it found, for the kinds people actually try.
_NAMES = {
    "exe": "EXE 可执行程序",
    "elf": "ELF 可执行程序",
    "msi": "MSI 安装包",
    "zip": "ZIP 压缩包",
    "rar": "RAR 压缩包",
    "7z": "7Z 压缩包",
    "gz": "GZ 压缩包",
    "doc": "Word 97-2003（.doc）",
    "xls": "Excel 97-2003（.xls）",
    "ppt": "PowerPoint 97-2003（.ppt）",
    "pptx": "PowerPoint（.pptx）",
    "gif": "GIF 图片",
    "tif": "TIFF 图片",
    "heic": "HEIC 图片",
    "bmp": "BMP 图片",
}


def detect(file) -> types.FileType:
    """The allowed type of ``file`` (seekable, at any position; left at 0), or UploadRefused."""
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        raise UploadRefused(
            "无法识别文件内容（网页、SVG、文本等不能上传）。" + _ask(), code="file_type"
        )
    if kind.mime in _BY_SIGNATURE:
        return _BY_SIGNATURE[kind.mime]
    if kind.mime in _ZIP_MIMES:
        return _zip_document(file)
    found = _NAMES.get(kind.extension, kind.extension.upper())
    raise UploadRefused(f"不支持该文件类型（检测到：{found}）。" + _ask(), code="file_type")


def _zip_document(file) -> types.FileType:
    try:
        with zipfile.ZipFile(file) as archive:  # reads the central directory, nothing else
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRefused("文件已损坏，无法读取压缩文档的目录。", code="file_damaged") from None
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return types.DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return types.XLSX
    if "OFD.xml" in names:
        return types.OFD
    if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
        found = _NAMES["pptx"]
    else:
        found = _NAMES["zip"]
    raise UploadRefused(f"不支持该文件类型（检测到：{found}）。" + _ask(), code="file_type")


def _ask() -> str:
    return f"请上传 {types.types_text()} 文件。"
