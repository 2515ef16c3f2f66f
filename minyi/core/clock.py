"""The one clock every service reads.

Services call ``clock.now()`` instead of ``timezone.now()`` so that demo loading and tests can
replay history at a chosen moment (``with clock.frozen(t): ...``) without a back-dating
argument on every service.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "minyi_clock", default=None
)


def now() -> datetime:
    return _frozen.get() or timezone.now()


@contextlib.contextmanager
def frozen(at: datetime) -> Iterator[None]:
    if timezone.is_naive(at):
        raise ValueError("clock.frozen needs an aware datetime")
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
