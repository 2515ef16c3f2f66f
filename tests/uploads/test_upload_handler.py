"""Past the limit an upload is counted, not kept: the request's parser never writes more than
MINYI_UPLOAD_MAX_MB of it anywhere, and the check then refuses it by the size it had."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from minyi.uploads import UploadRefused, check_upload
from minyi.uploads.handlers import OversizeUpload, SizeLimitedUploadHandler
from tests.uploads import samples

MB = 1024 * 1024


def parse(settings, data: bytes, *, limit_mb: int):
    """Parse a multipart body holding ``data`` the way a request is; also return how many bytes
    the handler wrote to its temporary file."""
    settings.MINYI_UPLOADS = {**settings.MINYI_UPLOADS, "MAX_BYTES": limit_mb * MB}
    upload = io.BytesIO(data)
    upload.name = "意见.pdf"
    body = encode_multipart(BOUNDARY, {"leader_opinion": upload})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    written = []
    keep = TemporaryFileUploadHandler.receive_data_chunk

    def counting(handler, raw_data, start):
        written.append(len(raw_data))
        return keep(handler, raw_data, start)

    with mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", counting):
        _, files = MultiPartParser(meta, io.BytesIO(body), [SizeLimitedUploadHandler()]).parse()
    return files["leader_opinion"], sum(written)


def test_an_upload_past_the_limit_is_counted_but_not_kept(settings):
    received, written = parse(settings, samples.PDF + b"0" * (3 * MB), limit_mb=1)

    assert isinstance(received, OversizeUpload)
    assert received.size == len(samples.PDF) + 3 * MB and received.read() == b""
    assert written <= 1 * MB


def test_the_check_refuses_it_by_the_size_it_had(settings):
    received, _ = parse(settings, samples.PDF + b"0" * (3 * MB), limit_mb=1)

    with pytest.raises(UploadRefused, match=r"文件过大（3\.0 MB），上限为 1 MB。"):
        check_upload(received)


def test_an_upload_within_the_limit_arrives_whole(settings):
    data = samples.PDF + b"0" * (MB // 2)

    received, written = parse(settings, data, limit_mb=1)

    assert (
        written == len(data)
        and received.read() == data
        and check_upload(received).size == len(data)
    )
