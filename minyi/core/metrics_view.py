"""``GET /metrics``: Prometheus's text format, for this host's own scraper or a token holder.

Who may read it (``may_scrape``):

- a client on the loopback address that did not come through a proxy. The reverse proxy runs
  on this host too, so a request it forwards also arrives from 127.0.0.1 (and uvicorn's
  ``--proxy-headers`` turns its address into the outside client's); it carries the headers the
  proxy adds (X-Forwarded-For, X-Real-IP, Forwarded, any X-Forwarded-*), and any of them means
  "not loopback";
- any client sending ``Authorization: Bearer <MINYI_METRICS_TOKEN>`` (compared in constant
  time; unset: only the loopback).

Everyone else gets the site's ordinary 404 page, whatever the method: nothing tells that the
address exists. Like /healthz it is not redirected to HTTPS (SECURE_REDIRECT_EXEMPT).
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from minyi.core.error_views import method_not_allowed
from minyi.core.metrics_state import StateCollector

FORWARDED = ("HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _proxied(meta) -> bool:
    return any(key in FORWARDED or key.startswith("HTTP_X_FORWARDED_") for key in meta)


def _loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # empty (a Unix socket) or not an address: not known to be local
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return (mapped or ip).is_loopback


def _token_matches(header: str) -> bool:
    token = settings.MINYI_METRICS_TOKEN
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def may_scrape(request: HttpRequest) -> bool:
    if _token_matches(request.META.get("HTTP_AUTHORIZATION", "")):
        return True
    return _loopback(request.META.get("REMOTE_ADDR", "")) and not _proxied(request.META)


def _process_registry():
    """The counters and histograms: every process's, added up from the shared directory, or
    this process's own (minyi/core/metrics.py)."""
    path = settings.PROMETHEUS_MULTIPROC_DIR
    if not path:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=path)
    return registry


def metrics(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        raise Http404
    if request.method != "GET":
        return method_not_allowed(request, "GET")
    state = CollectorRegistry()
    state.register(StateCollector())
    body = generate_latest(_process_registry()) + generate_latest(state)
    response = HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)
    add_never_cache_headers(response)
    return response
