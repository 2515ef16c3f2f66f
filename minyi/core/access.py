"""Role checks for pages (the rule lives here once; views name the roles that may enter), and
the client address an access-log row records.

A role is the only key: ``is_superuser`` and ``is_staff`` open nothing (the administrators
work in the admin site, each within their duties: ``accounts/duties.py``)."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def role_required(*roles: str):
    """Anonymous visitors go to the sign-in page; signed-in users of another role get a 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("您的角色不能使用此页面。")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def client_ip(request: HttpRequest) -> str | None:
    """The address a personal-data access row records. REMOTE_ADDR is the proxy's address
    behind a load balancer; the deployment sets it from X-Forwarded-For in the proxy, not
    here, so a client cannot forge its own entry."""
    return request.META.get("REMOTE_ADDR") or None
