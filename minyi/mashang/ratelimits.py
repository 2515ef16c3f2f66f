"""Per-address rate limits of 码上找代表's public pages and API (django-ratelimit), on top of the
services' own limits per number, address and deputy (which count database rows).

One rate per kind of request, per client address (``REMOTE_ADDR``; behind a proxy the
deployment sets it from X-Forwarded-For): getting a code, sending a message, looking a message
up (the status page's GET and POST, the API's GET) and rating. The counts live in the default
cache: per process with the default local-memory cache, shared by all processes when
``REDIS_URL`` is set (minyi/settings.py). A limited request answers 429 with ``Retry-After``:
a Chinese page, or the API's ``{"error", "code": "rate_limited"}``.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import get_usage

from minyi.core.access import client_ip
from minyi.mashang.services.verification import TooMany, wait_text

SMS_CODE = "sms_code"
MESSAGE = "message"
TRACK = "track"
RATING = "rating"


def _address(group: str, request) -> str:
    # a request without an address (a test server, a misconfigured proxy) still counts, as one
    return client_ip(request) or "unknown"


def check_rate(request, kind: str) -> None:
    """Count this request against ``kind``'s rate for its address; ``TooMany`` (with
    ``retry_after``) once the rate is spent."""
    rate = settings.MINYI_MASHANG["RATES"][kind]
    usage = get_usage(request, group=f"mashang:{kind}", key=_address, rate=rate, increment=True)
    if usage and usage["should_limit"]:
        wait = max(1, int(usage["time_left"]))
        raise TooMany(f"操作过于频繁，请{wait_text(wait)}后再试。", retry_after=wait)
