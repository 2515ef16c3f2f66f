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
import time

from django.conf import settings

log = logging.getLogger(__name__)

_SALT = b"minyi.hints.model"
_cache: dict[str, tuple[int, object | None]] = {}
_checked: dict[str, float] = {}
# kind → (read at, {id: name}) of the active labels (minyi.hints.selectors._names)
names_cache: dict[str, tuple[float, dict[int, str]]] = {}
_lock = threading.Lock()


def sign(payload: bytes) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def dump(router) -> bytes:
    buffer = io.BytesIO()
    import joblib  # with scikit-learn: loaded by the first hint, not by every process

    joblib.dump(router, buffer, compress=3)
    return buffer.getvalue()


def _load(payload: bytes, signature: str):
    if not hmac.compare_digest(sign(payload), signature or ""):
        raise ValueError("signature does not match")
    import joblib

    return joblib.load(io.BytesIO(payload))


def recheck_seconds() -> float:
    return float(getattr(settings, "HINTS_RECHECK_SECONDS", 10))


def latest(kind: str):
    """(version, router) of the newest model of ``kind``, or None. The newest version is looked
    up (one indexed query) at most every ``HINTS_RECHECK_SECONDS``; the bytes are read, checked
    and unpickled only when the version is new to this process. A version that fails to load is
    remembered as such (no hint) rather than read again on every keystroke."""
    from minyi.hints.models import HintModel

    now = time.monotonic()
    cached = _cache.get(kind)
    if cached and now - _checked.get(kind, 0.0) < recheck_seconds():
        return cached if cached[1] is not None else None
    version = (
        HintModel.objects.filter(kind=kind).order_by("-version").values_list("version", flat=True)
    ).first()
    _checked[kind] = now
    if version is None:
        _cache.pop(kind, None)
        return None
    if not (cached and cached[0] == version):
        with _lock:
            cached = _cache.get(kind)
            if not (cached and cached[0] == version):
                _cache[kind] = cached = (version, _read(kind, version))
    return cached if cached[1] is not None else None


def _read(kind: str, version: int):
    from minyi.hints.models import HintModel

    row = (
        HintModel.objects.filter(kind=kind, version=version)
        .values_list("payload", "signature")
        .first()
    )
    if row is None:
        return None
    try:
        return _load(bytes(row[0]), row[1])
    except Exception:  # a bad row must not break the form it sits in
        log.exception("hint model %s v%s could not be loaded", kind, version)
        return None


def forget() -> None:
    """Start from an empty cache (after a training in this process; tests)."""
    _cache.clear()
    _checked.clear()
    names_cache.clear()
