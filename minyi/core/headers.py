"""The one security header Django does not set itself: Permissions-Policy (settings.py names
the browser features no page of ours uses). CSP comes from django-csp, the others from
Django's SecurityMiddleware and settings."""

from __future__ import annotations

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
