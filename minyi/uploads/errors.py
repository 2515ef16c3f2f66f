from __future__ import annotations

from minyi.core.errors import ValidationFailed


class UploadRefused(ValidationFailed):
    """A file we do not keep. ``code`` says which check refused it (``file_type``,
    ``file_extension``, ``file_too_large``, ``file_empty``, ``file_archive``,
    ``file_active_content``, ``file_image_too_large``, ``file_damaged``)."""

    code = "file_refused"
