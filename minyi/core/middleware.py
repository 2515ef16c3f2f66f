"""Middleware of our own.

``SyncStackMiddleware`` sits innermost in ``settings.MIDDLEWARE`` and is synchronous only. Under
ASGI Django otherwise runs each of its own middleware (``MiddlewareMixin``) in async mode, which
moves every ``process_request`` and ``process_response`` to a worker thread and back: about
twenty thread hand-offs per request, ~3 ms of CPU on a small server before the view starts.
With one sync-only middleware at the bottom Django keeps the whole stack synchronous and crosses
into a thread once per request. Async views (the console's SSE stream) still run on the event
loop: Django calls them through ``async_to_sync`` from the stack's thread.
"""

from __future__ import annotations


class SyncStackMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
