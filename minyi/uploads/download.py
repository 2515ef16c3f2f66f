"""Files go back to users as downloads only, whatever they are.

The caller (a view) has already checked that this user may see the file. The response never
lets a browser render the file as a page of ours: ``Content-Disposition: attachment``, the
type we detected on upload (``application/octet-stream`` for files stored before the check),
``nosniff``, and a CSP that forbids everything and sandboxes the document in case it is ever
opened inline. It is not cached: it may carry personal data.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

from django.http import FileResponse

UNKNOWN = "application/octet-stream"
SANDBOX = "default-src 'none'; sandbox"


def download_response(handle, *, name: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, content_type=content_type or UNKNOWN)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response


def content_disposition(name: str) -> str:
    """``attachment`` with the name as RFC 6266 asks: an ASCII ``filename`` for old clients
    (the name itself when it is plain ASCII, else ``attachment`` + its extension) and the real
    name in ``filename*`` (RFC 5987, UTF-8, percent-encoded)."""
    fallback = name
    if not (name and name.isascii() and name.isprintable() and not set(name) & set('"\\;')):
        extension = os.path.splitext(name)[1]
        fallback = "attachment" + (
            extension if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", extension) else ""
        )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
