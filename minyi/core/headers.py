"""The headers Django does not set itself: Permissions-Policy (settings.py names the browser
features no page of ours uses), and no-store on every answer to a signed-in browser. CSP comes
from django-csp, the others from Django's SecurityMiddleware and settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class PrivateAnswersMiddleware:
    """Nothing shown to a signed-in user is kept by the browser or a proxy (``no-store``):

    - Back after an action shows the order as it is now, not the page with the form just sent
      (the browser's back-forward cache keeps no ``no-store`` page);
    - a page with a person on it (masked or not) stays off shared machines' disk caches.

    Only for requests that carry the session cookie, so the PBX's webhook pays nothing. A view
    that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        response = self.get_response(request)
        if self.cookie in request.COOKIES and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
