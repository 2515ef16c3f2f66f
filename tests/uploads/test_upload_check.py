"""The one upload check (minyi.uploads.check_upload): an allow-list by content, the extension
agreeing with it, a size limit, zip bombs refused from the zip directory, images re-encoded
without what a phone writes into them. Each refusal says why, in Chinese."""

from __future__ import annotations

import io
import zipfile
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from minyi.uploads import UploadRefused, check_upload
from tests.uploads import samples

MB = 1024 * 1024


def upload(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


def refused(data: bytes, name: str) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        check_upload(upload(data, name))
    return caught.value


# -- what is accepted ------------------------------------------------------------------------


def test_a_pdf_is_accepted_as_it_is_with_its_type_from_the_content():
    checked = check_upload(upload(samples.PDF, "领导签署意见.pdf"))

    assert checked.content_type == "application/pdf"
    assert checked.name == "领导签署意见.pdf" and checked.extension == ".pdf"
    assert checked.content.read() == samples.PDF and checked.size == len(samples.PDF)


@pytest.mark.parametrize(
    "build, name, content_type",
    [
        (
            samples.docx,
            "意见.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            samples.xlsx,
            "清单.XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (samples.ofd, "电子公文.ofd", "application/ofd"),
    ],
)
def test_word_excel_and_ofd_documents_are_accepted(build, name, content_type):
    checked = check_upload(upload(build(), name))

    assert checked.content_type == content_type and checked.name == name


@pytest.mark.parametrize(
    "build, name, content_type",
    [
        (samples.jpeg_with_metadata, "现场.jpg", "image/jpeg"),
        (samples.jpeg_with_metadata, "现场.JPEG", "image/jpeg"),
        (samples.png_with_text, "截图.png", "image/png"),
        (samples.webp, "照片.webp", "image/webp"),
    ],
)
def test_photos_and_scans_are_accepted(build, name, content_type):
    checked = check_upload(upload(build(), name))

    assert checked.content_type == content_type
    Image.open(checked.content).verify()  # still a readable image of that kind


def test_the_form_text_names_the_types_and_the_limit(settings):
    from minyi.uploads import allowed_text

    settings.MINYI_UPLOADS = {**settings.MINYI_UPLOADS, "MAX_BYTES": 20 * MB}

    assert (
        allowed_text()
        == "可上传 PDF、JPG、PNG、WebP、Word（.docx）、Excel（.xlsx）或 OFD 文件，不超过 20 MB。"
    )


# -- what is refused -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["领导意见.exe", "领导意见.pdf"])
def test_a_program_is_refused_whatever_its_name(name):
    error = refused(samples.EXE, name)

    assert error.code == "file_type"
    assert "EXE" in error.message and "PDF、JPG" in error.message


@pytest.mark.parametrize(
    "data, name",
    [(samples.HTML, "意见.html"), (samples.HTML, "意见.pdf"), (samples.SVG, "签名.svg")],
)
def test_web_pages_and_svg_are_refused_so_nothing_can_run_from_our_origin(data, name):
    error = refused(data, name)

    assert error.code == "file_type" and "无法识别" in error.message


def test_a_bare_zip_is_refused():
    error = refused(samples.bare_zip(), "材料.zip")

    assert error.code == "file_type" and "ZIP" in error.message


@pytest.mark.parametrize(
    "data, name, detected",
    [
        (samples.jpeg_with_metadata(), "意见.pdf", "JPG"),
        (samples.PDF, "意见.docx", "PDF"),
        (samples.xlsx(), "意见.docx", "Excel"),
    ],
)
def test_the_extension_must_agree_with_the_content(data, name, detected):
    error = refused(data, name)

    assert error.code == "file_extension"
    assert name.rsplit(".")[-1] in error.message and detected in error.message


def test_a_name_without_an_extension_is_refused():
    error = refused(samples.PDF, "领导签署意见")

    assert error.code == "file_extension" and "扩展名" in error.message


def test_an_empty_file_is_refused():
    assert refused(b"", "意见.pdf").code == "file_empty"


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(settings):
    settings.MINYI_UPLOADS = {**settings.MINYI_UPLOADS, "MAX_BYTES": 20 * MB}
    big = mock.MagicMock(size=50 * MB)
    big.name = "意见.pdf"

    with pytest.raises(UploadRefused) as caught:
        check_upload(big)

    assert caught.value.code == "file_too_large"
    assert caught.value.message == "文件过大（50.0 MB），上限为 20 MB。"
    big.read.assert_not_called()


def test_the_limit_is_the_setting(settings):
    settings.MINYI_UPLOADS = {**settings.MINYI_UPLOADS, "MAX_BYTES": 1 * MB}

    assert refused(samples.PDF + b"0" * MB, "意见.pdf").code == "file_too_large"


def test_a_zip_bomb_dressed_as_word_is_refused_from_the_zip_directory_without_extracting():
    bomb = samples.docx_bomb()
    assert len(bomb) < MB  # small on the wire, 300 MB unpacked

    with mock.patch.object(zipfile.ZipFile, "open", side_effect=AssertionError("extracted")):
        error = refused(bomb, "领导签署意见.docx")

    assert error.code == "file_archive"
    assert "展开后" in error.message and "压缩炸弹" in error.message


def test_one_entry_that_packs_a_thousand_to_one_is_refused():
    error = refused(samples.docx_dense(), "意见.docx")

    assert error.code == "file_archive" and "压缩比" in error.message


def test_a_word_file_with_macros_is_refused():
    error = refused(samples.docm(), "意见.docx")

    assert error.code == "file_active_content" and "宏" in error.message


def test_a_damaged_word_file_is_refused():
    error = refused(b"PK\x03\x04" + b"\x00" * 100, "意见.docx")

    assert error.code in {"file_damaged", "file_type"}


# -- images are re-encoded -----------------------------------------------------------------


def test_a_photo_loses_its_gps_position_camera_comment_and_xmp():
    original = samples.jpeg_with_metadata()
    assert b"secret-comment" in original and b"secret-xmp" in original

    checked = check_upload(upload(original, "现场.jpg"))
    data = checked.content.read()

    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert "comment" not in image.info and "xmp" not in image.info and "exif" not in image.info
    assert b"secret-comment" not in data and b"secret-xmp" not in data and b"PhoneMaker" not in data
    assert checked.size == len(data)


def test_a_png_loses_its_text_chunks_and_a_webp_its_exif():
    png = check_upload(upload(samples.png_with_text(), "截图.png")).content.read()
    webp = check_upload(upload(samples.webp(), "照片.webp")).content.read()

    assert b"secret-png-text" not in png and Image.open(io.BytesIO(png)).mode == "RGBA"
    assert b"PhoneMaker" not in webp and not Image.open(io.BytesIO(webp)).getexif()


def test_a_phone_photo_saved_as_several_pictures_keeps_the_first_as_a_plain_jpeg():
    checked = check_upload(upload(samples.mpo_jpeg(), "人像.jpg"))

    image = Image.open(checked.content)
    assert checked.content_type == "image/jpeg" and image.format == "JPEG"
    assert getattr(image, "n_frames", 1) == 1


def test_a_sideways_photo_still_shows_the_way_it_was_taken():
    checked = check_upload(upload(samples.rotated_jpeg(), "现场.jpg"))

    assert Image.open(checked.content).size == (32, 64)


def test_an_image_claiming_a_billion_pixels_is_refused_before_it_is_decoded():
    error = refused(samples.png_claiming(40_000, 40_000), "截图.png")

    assert error.code == "file_image_too_large" and "像素" in error.message


def test_a_damaged_image_is_refused():
    error = refused(b"\xff\xd8\xff\xe0" + b"\x00" * 64, "现场.jpg")

    assert error.code == "file_damaged" and "损坏" in error.message


# -- names -----------------------------------------------------------------------------------


def test_the_name_kept_is_the_last_part_without_control_characters():
    from minyi.uploads.check import display_name

    assert display_name("C:\\fakepath\\领导\n意见\x00.pdf") == "领导意见.pdf"
    assert display_name("../../etc/意见.pdf") == "意见.pdf"
    long = display_name("长" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith("长.pdf")


@pytest.mark.parametrize(
    "name, fallback",
    [
        ("opinion.pdf", 'filename="opinion.pdf"'),
        ('a";b.pdf', 'filename="attachment.pdf"'),
        ("领导意见.pdf", 'filename="attachment.pdf"'),
        ("意见.pd\u00e9", 'filename="attachment"'),
    ],
)
def test_a_download_name_has_a_safe_ascii_fallback_and_the_real_name_in_rfc_5987(name, fallback):
    from urllib.parse import quote

    from minyi.uploads.download import content_disposition

    header = content_disposition(name)

    assert header == f"attachment; {fallback}; filename*=UTF-8''{quote(name, safe='')}"
