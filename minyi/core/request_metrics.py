"""Every request's time in one histogram, ``minyi_http_request_duration_seconds{view, status}``.

Ours rather than django-prometheus's middleware pair: that one updates about fifteen series per
request (≈30 µs of CPU here, 40 µs with PROMETHEUS_MULTIPROC_DIR), this one a single histogram
(≈2–3 µs), against a floor of about 3 ms per request on the 2-CPU server (README "Metrics").
No query, so no page's query budget changes.
"""

from __future__ import annotations

import time

from minyi.core.metrics import HTTP_REQUEST_SECONDS

# a request no URL pattern matched (404s of scanners): one series, never the path
UNMATCHED = "<unmatched>"


class RequestMetricsMiddleware:
    """Outermost, so the time includes every other middleware (HTTPS redirects too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else None) or UNMATCHED
        HTTP_REQUEST_SECONDS.labels(view, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - start
        )
        return response
