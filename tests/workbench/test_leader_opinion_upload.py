"""The leader's signed opinion (退件 needs one) is the file users upload: what was found — an
.exe, a 50 MB file and a zip bomb accepted, an .html page kept — is refused in the form with the
reason, on the page and in the API, and a refused return keeps nothing, on disk or in the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minyi.core import clock
from minyi.orders.models import Attachment, Status
from tests.factories import MONDAY, at, keyed, make_order
from tests.uploads import samples
from tests.workbench.detail_helpers import detail_url, snapshot

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen(MONDAY):
        yield


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    """Each test sees only the files it stored itself."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def order(hana, dan):
    return make_order("dispatched", handler=hana, dispatcher=dan)


def stored_files(settings, order) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "orders" / str(order.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


def return_with(client, hana, order, dept_b, data: bytes, name: str, *, api=False):
    client.force_login(hana)
    fields = {
        "reason": "不属于本单位职责",
        "suggested_department": dept_b.pk,
        "basis": "三定方案",
        "leader_opinion": SimpleUploadedFile(name, data),
    }
    if api:
        return client.post(f"/api/orders/{order.number}/actions/return/", fields)
    return client.post(detail_url(order, "return"), keyed(fields))


def assert_refused_on_the_page(response, order, before, settings, words: str):
    assert response.status_code == 400
    html = response.content.decode()
    form = html[html.index('id="action-return"') :]
    assert words in form and html.count(words) == 1  # in the return form, once
    assert snapshot(order) == before
    assert not Attachment.objects.filter(order=order).exists()
    assert stored_files(settings, order) == []


@pytest.mark.parametrize(
    "data, name, words",
    [
        (samples.EXE, "领导签署意见.exe", "不支持该文件类型"),
        (samples.EXE, "领导签署意见.pdf", "不支持该文件类型"),
        (samples.HTML, "领导签署意见.html", "无法识别"),
        (samples.SVG, "签名.svg", "无法识别"),
    ],
)
def test_a_program_or_a_web_page_as_the_leaders_opinion_is_refused_in_the_form(
    client, hana, order, dept_b, settings, data, name, words
):
    before = snapshot(order)

    response = return_with(client, hana, order, dept_b, data, name)

    assert_refused_on_the_page(response, order, before, settings, words)


def test_a_zip_bomb_as_the_leaders_opinion_is_refused_in_the_form(
    client, hana, order, dept_b, settings
):
    before = snapshot(order)

    response = return_with(client, hana, order, dept_b, samples.docx_bomb(), "意见.docx")

    assert_refused_on_the_page(response, order, before, settings, "压缩炸弹")


def test_a_50_mb_file_is_refused_in_the_form_without_being_kept_whole(
    client, hana, order, dept_b, settings
):
    before = snapshot(order)
    big = samples.PDF + b"0" * (50 * MB)

    response = return_with(client, hana, order, dept_b, big, "意见.pdf")

    assert_refused_on_the_page(
        response, order, before, settings, "文件过大（50.0 MB），上限为 20 MB。"
    )


def test_the_api_refuses_a_program_with_a_structured_400(client, hana, order, dept_b, settings):
    before = snapshot(order)

    response = return_with(client, hana, order, dept_b, samples.EXE, "意见.pdf", api=True)

    assert response.status_code == 400
    assert response.json()["code"] == "file_type" and "不支持该文件类型" in response.json()["error"]
    assert snapshot(order) == before and stored_files(settings, order) == []


def test_a_return_the_service_refuses_keeps_no_file_behind(client, hana, order, dept_b, settings):
    before = snapshot(order)

    with clock.frozen(at(2026, 3, 5, 10)):  # the return limit ended on Tuesday night
        response = return_with(client, hana, order, dept_b, samples.PDF, "意见.pdf")

    assert_refused_on_the_page(response, order, before, settings, "已超过退件时限")


def test_an_accepted_photo_is_stored_without_its_gps_under_a_random_name(
    client, hana, order, dept_b, settings
):
    response = return_with(
        client, hana, order, dept_b, samples.jpeg_with_metadata(), "现场照片.jpg"
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    attachment = Attachment.objects.get(order=order)
    assert attachment.name == "现场照片.jpg" and attachment.content_type == "image/jpeg"
    [stored] = stored_files(settings, order)
    assert "现场照片" not in stored.name and len(stored.stem) >= 22 and stored.suffix == ".jpg"
    assert b"secret-comment" not in stored.read_bytes() and b"PhoneMaker" not in stored.read_bytes()


def test_the_return_form_states_the_types_and_the_limit(client, hana, order):
    client.force_login(hana)

    html = client.get(detail_url(order), {"do": "return"}).content.decode()

    assert (
        "可上传 PDF、JPG、PNG、WebP、Word（.docx）、Excel（.xlsx）或 OFD 文件，不超过 20 MB。"
        in html
    )
    assert 'accept=".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,.ofd"' in html
