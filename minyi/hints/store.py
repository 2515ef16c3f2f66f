"""Storing and loading a fitted model: joblib bytes, signed with the secret key, loaded once per
process and kept by (kind, version).

The bytes are unpickled only when their HMAC matches: a row written by hand in the database (or
copied from another installation) is refused, not executed. A model that fails to load gives no
hint (the page says so) until the next training.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import threading

import joblib
from django.conf import settings

log = logging.getLogger(__name__)

_SALT = b"minyi.hints.model"
_cache: dict[str, tuple[int, object]] = {}
_lock = threading.Lock()


def sign(payload: bytes) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def dump(router) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(router, buffer, compress=3)
    return buffer.getvalue()


def _load(payload: bytes, signature: str):
    if not hmac.compare_digest(sign(payload), signature or ""):
        raise ValueError("signature does not match")
    return joblib.load(io.BytesIO(payload))


def latest(kind: str):
    """(version, router) of the newest model of ``kind``, or None. One indexed query for the
    version; the bytes are read and unpickled only when the version is new to this process."""
    from minyi.hints.models import HintModel

    version = (
        HintModel.objects.filter(kind=kind).order_by("-version").values_list("version", flat=True)
    ).first()
    if version is None:
        return None
    cached = _cache.get(kind)
    if cached and cached[0] == version:
        return cached
    with _lock:
        cached = _cache.get(kind)
        if cached and cached[0] == version:
            return cached
        row = (
            HintModel.objects.filter(kind=kind, version=version)
            .values_list("payload", "signature")
            .first()
        )
        if row is None:
            return None
        try:
            router = _load(bytes(row[0]), row[1])
        except Exception:  # a bad row must not break the form it sits in
            log.exception("hint model %s v%s could not be loaded", kind, version)
            return None
        _cache[kind] = (version, router)
        return _cache[kind]


def forget() -> None:
    """Tests: start from an empty cache."""
    _cache.clear()
