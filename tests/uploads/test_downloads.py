"""Files leave only through the download view, after the visibility check: never from /media/
(DEBUG included), always as a download with nosniff, a sandbox and the checked type."""

from __future__ import annotations

import importlib
import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from minyi.core import clock
from minyi.orders.models import Attachment
from minyi.orders.services.dispatch import attachment_add
from tests.factories import make_order
from tests.uploads import samples
from tests.workbench.detail_helpers import detail_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(dan, hana):
    return make_order("dispatched", dispatcher=dan, handler=hana)


def download(client, user, order, attachment):
    client.force_login(user)
    return client.get(detail_url(order, f"attachments/{attachment.pk}"))


def test_media_is_not_served_even_with_debug_on():
    import minyi.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(minyi.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                resolve("/media/orders/1/意见.html", urlconf="minyi.urls")
    finally:
        importlib.reload(minyi.urls)
        clear_url_caches()


def test_a_stored_file_is_not_served_from_media(client, order, hana):
    attachment = attachment_add(
        order=order, file=ContentFile(samples.PDF, name="a.pdf"), actor=hana
    )
    client.force_login(hana)

    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_the_stored_name_is_a_random_token_and_the_original_is_only_shown(order, hana):
    first = attachment_add(order=order, file=ContentFile(samples.PDF, name="意见.pdf"), actor=hana)
    second = attachment_add(order=order, file=ContentFile(samples.PDF, name="意见.pdf"), actor=hana)

    for attachment in (first, second):
        assert re.fullmatch(rf"orders/{order.pk}/[A-Za-z0-9_-]{{22,}}\.pdf", attachment.file.name)
        assert attachment.name == "意见.pdf"
    assert first.file.name != second.file.name


def test_a_download_is_an_attachment_named_in_rfc_5987(client, order, hana):
    attachment = attachment_add(
        order=order, file=ContentFile(samples.PDF, name="领导签署意见.pdf"), actor=hana
    )

    response = download(client, hana, order, attachment)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Disposition"] == (
        "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''" + quote("领导签署意见.pdf")
    )
    assert response["Content-Type"] == "application/pdf"


def test_a_download_carries_nosniff_a_sandbox_and_no_caching(client, order, hana):
    attachment = attachment_add(
        order=order, file=ContentFile(samples.PDF, name="a.pdf"), actor=hana
    )

    response = download(client, hana, order, attachment)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="a.pdf"')


def test_the_content_type_comes_from_the_checked_type_never_from_the_name(client, order, hana):
    # A row from before the check: an HTML page stored under a guessable name.
    with clock.frozen(clock.now()):
        legacy = Attachment.objects.create(
            order=order,
            file=ContentFile(samples.HTML, name="evil.html"),
            name="evil.html",
            uploaded_by=hana,
            uploaded_at=clock.now(),
        )

    response = download(client, hana, order, legacy)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
