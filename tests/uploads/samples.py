"""Files as an attacker or a busy office would upload them, built in memory for the tests."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

from PIL import Image, PngImagePlugin

# A small but well-formed PDF (the demo's leader opinion is the same kind of file).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# The start of a Windows program: "MZ", then the PE header the DOS stub points to.
EXE = b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 64) + b"PE\x00\x00" + b"\x00" * 200

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
    b"<script>alert(1)</script></svg>"
)

# EXIF with a GPS position (tag 0x8825 → latitude 28°N) and the camera's maker.
GPS_LATITUDE = (28.0, 12.0, 0.0)


def jpeg_with_metadata(size=(64, 48)) -> bytes:
    """A phone photo: EXIF with GPS and maker, a JPEG comment, XMP."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>'
    image.save(out, "JPEG", exif=exif, comment=b"secret-comment", xmp=xmp)
    return out.getvalue()


def rotated_jpeg() -> bytes:
    """Stored 64×32 sideways, with EXIF saying 'rotate 90°': people see it 32×64."""
    image = Image.new("RGB", (64, 32), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def mpo_jpeg() -> bytes:
    """Two pictures in one JPEG (MPO), as some phones save a portrait-mode photo."""
    out = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), (9, 9, 9)), Image.new("RGB", (40, 30), (99, 9, 9))
    first.save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-png-text")
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (20, 20), (0, 0, 200)).save(out, "WEBP", exif=exif)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny file whose header claims an enormous image (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def _zip(entries: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document>" + "同意退件".encode() * 50 + b"</w:document>",
            **(extra or {}),
        }
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def ofd() -> bytes:
    """GB/T 33190 电子公文: a zip with OFD.xml at its root."""
    return _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def bare_zip() -> bytes:
    return _zip({"readme.txt": b"hello", "payload.exe": EXE})


@functools.cache
def docx_bomb(unzipped_mb: int = 300) -> bytes:
    """A .docx whose document.xml expands to 300 MB: 300 KB on the wire (built once per run)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", b"<Relationships/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            block = b"\x00" * (1024 * 1024)
            for _ in range(unzipped_mb):
                entry.write(block)
    return out.getvalue()


def docx_dense(ratio_mb: int = 20) -> bytes:
    """Within the total size limit, but one entry compresses a thousand to one."""
    return docx({"word/media/filler.xml": b"\x00" * (ratio_mb * 1024 * 1024)})


def docm() -> bytes:
    """A Word file carrying VBA macros, renamed .docx."""
    return docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
