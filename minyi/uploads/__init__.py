"""Files users give us and files we give back (docs/security.md).

Every stored file comes in through ``check_upload`` (called by the one service that stores
attachments, ``orders.services.dispatch.attachment_add``): the type is read from the content
against an allow-list, the name's extension must agree, the size is limited, zip-based
documents are checked for zip bombs from their directory, and images are re-encoded without
their metadata. A refused file raises ``UploadRefused`` (a ``ValidationFailed`` with a Chinese
message and a machine code) before anything is stored. Files leave only through
``download_response``, after the caller's visibility check.
"""

from minyi.uploads.check import CheckedFile, UploadRefused, check_upload
from minyi.uploads.download import download_response
from minyi.uploads.types import accept_attribute, allowed_text

__all__ = [
    "CheckedFile",
    "UploadRefused",
    "accept_attribute",
    "allowed_text",
    "check_upload",
    "download_response",
]
