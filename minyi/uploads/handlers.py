"""The size limit while the request is read: an upload larger than ``MINYI_UPLOADS["MAX_BYTES"]``
is never kept whole.

Django keeps a small upload (up to ``FILE_UPLOAD_MAX_MEMORY_SIZE``, below the limit) in memory
and streams a larger one to a temporary file. This handler replaces the temporary-file one: past
the limit it stops writing and only counts, then hands over an empty ``OversizeUpload`` with the
size it counted, which ``check_upload`` refuses with the size in its message (a clear form error
instead of a reset connection). The proxy in front should refuse far larger bodies outright
(``client_max_body_size``, docs/security.md).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class OversizeUpload(UploadedFile):
    """What is left of an upload past the limit: its name and the size it had, no content."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.MINYI_UPLOADS["MAX_BYTES"]
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.too_large or start + len(raw_data) > self.limit:
            self.too_large = True  # keep counting (the parser passes ``start``), stop keeping
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int):
        if not self.too_large:
            return super().file_complete(file_size)
        self.file.close()  # a temporary file: deleted on close
        return OversizeUpload(self.file_name, file_size, self.content_type)
