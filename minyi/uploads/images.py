"""Images are decoded and written again by Pillow, so what reaches the disk is pixels only:
no EXIF (GPS position, camera, owner), no comments, no XMP, no text chunks, no colour profile,
nothing appended after the image. The orientation EXIF asked for is applied to the pixels first,
so a photo still shows the way it was taken.

A decompression bomb (a small file claiming a huge image) is refused from its header, before
any pixel is decoded; Pillow's own ``MAX_IMAGE_PIXELS`` guard is set to the same limit.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from minyi.uploads.errors import UploadRefused
from minyi.uploads.types import FileType

# The modes each format writes as they are; anything else is converted (JPEG has no alpha).
_MODES = {
    "JPEG": {"RGB", "L", "CMYK"},
    "PNG": {"1", "L", "LA", "I", "I;16", "RGB", "RGBA"},
    "WEBP": {"RGB", "RGBA"},
}
# What Pillow may call a file of each type: phones write some JPEGs as MPO (several pictures).
_READ_AS = {"JPEG": {"JPEG", "MPO"}, "PNG": {"PNG"}, "WEBP": {"WEBP"}}
_SAVE_OPTIONS = {"JPEG": {"quality": 90}, "PNG": {}, "WEBP": {"quality": 90}}


def reencode(file, file_type: FileType) -> ContentFile:
    limit = settings.MINYI_UPLOADS["MAX_IMAGE_PIXELS"]
    Image.MAX_IMAGE_PIXELS = limit  # Pillow refuses beyond twice this by itself
    try:
        with Image.open(file) as image:  # reads the header only
            _check_header(image, file_type, limit)
            image.seek(0)  # an animated image keeps its first frame
            image.load()
            clean = _pixels_only(ImageOps.exif_transpose(image), file_type)
        out = io.BytesIO()
        clean.save(out, file_type.pillow_format, **_SAVE_OPTIONS[file_type.pillow_format])
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise _too_large(limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UploadRefused(
            "图片已损坏或无法读取，请重新导出后再上传。", code="file_damaged"
        ) from exc
    finally:
        file.seek(0)
    return ContentFile(out.getvalue())


def _check_header(image: Image.Image, file_type: FileType, limit: int) -> None:
    if image.format not in _READ_AS[file_type.pillow_format]:
        raise UploadRefused("图片已损坏或无法读取，请重新导出后再上传。", code="file_damaged")
    width, height = image.size
    if width * height > limit:
        raise _too_large(limit, width, height)


def _too_large(limit: int, width: int = 0, height: int = 0) -> UploadRefused:
    size = f"（{width}×{height} 像素）" if width else ""
    return UploadRefused(
        f"图片尺寸过大{size}，上限为 {limit / 10_000:g} 万像素，请缩小后再上传。",
        code="file_image_too_large",
    )


def _pixels_only(image: Image.Image, file_type: FileType) -> Image.Image:
    """A copy with the pixels and nothing else (``info`` carries exif, xmp, comment, icc…)."""
    if image.mode not in _MODES[file_type.pillow_format]:
        alpha = "A" in image.getbands() or "transparency" in image.info
        keep_alpha = alpha and file_type.pillow_format != "JPEG"
        image = image.convert("RGBA" if keep_alpha else "RGB")
    clean = image.copy()
    clean.info = {}
    return clean
