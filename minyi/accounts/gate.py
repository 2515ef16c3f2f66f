"""What a signed-in user must get past before any page: the session's limits, a forced
password change, the second factor. One middleware, so no page, API call or admin view can
be reached around it.

1. Session limits. A session ends after ``IDLE_MINUTES`` without a request (default 30) and
   ``SESSION_MAX_HOURS`` after log-in (default 12), whatever happens in between. The
   last-seen time is written at most once a minute, so an active user costs one session
   write a minute, not one per request.
2. The second factor (TOTP): required for the roles ``MINYI_2FA_REQUIRED`` names, and for
   anyone who enrolled; enrol first if there is no device yet. It comes before the password
   change below, so a temporary password alone (seen by whoever reset it) opens nothing.
3. A password set by an administrator (a new account, a reset) must be changed next.

A request that hits a gate is sent to the page that clears it (pages), gets ``HX-Redirect``
(htmx) or a JSON 401/403 with a code (the API).

The operator console's event stream (``@passive``) is long-lived and reconnects by itself, so
it must not keep a session alive: it never counts as activity, and when the session's idle
deadline passes the stream reads the session once more (the operator may have been busy in
other requests meanwhile): still idle, the stream ends (``_bounded``); the browser
reconnects, the gate finds the session idle, answers 401, and the console reloads to the
log-in page. A console that is used (a form, a look-up) keeps its stream without a gap.
"""

from __future__ import annotations

import time
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import urlencode

from minyi.accounts.models import ADMIN_ROLES, Role

AUTH_AT = "minyi_auth_at"
SEEN = "minyi_seen"
ENROLLED = "minyi_2fa_enrolled"
TOUCH_EVERY = 60  # seconds between two writes of the last-seen time

EXPIRED_MESSAGES = {
    "idle": "长时间未操作，已自动退出，请重新登录。",
    "absolute": "登录时间已达上限，请重新登录。",
}


# -- marking views -----------------------------------------------------------------------------


def exempt(*gates: str):
    """Let a view through the named gates ("password", "two_factor"): the pages that clear
    them, and signing out."""

    def mark(view):
        view.minyi_gate_exempt = frozenset(gates)
        return view

    return mark


def passive(view):
    """A request that is not the user's activity (the console's event stream)."""
    view.minyi_session_passive = True
    return view


# -- the rules ---------------------------------------------------------------------------------


def _policy(name: str):
    return settings.MINYI_ACCOUNTS[name]


def two_factor_required(user) -> bool:
    scope = _policy("TWO_FACTOR_REQUIRED")
    role = getattr(user, "role", "")
    if scope == "admins":
        return role in ADMIN_ROLES
    if scope == "staff":
        return bool(role) and role != Role.DEPUTY
    return False


def has_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def remember_enrolment(request, enrolled: bool) -> None:
    request.session[ENROLLED] = enrolled


def _enrolled(request) -> bool:
    """Whether the user has an authenticator, asked once per session (not on every request)."""
    enrolled = request.session.get(ENROLLED)
    if enrolled is None:
        enrolled = has_device(request.user)
        remember_enrolment(request, enrolled)
    return enrolled


def two_factor_pending(request) -> bool:
    """Signed in with a password, a second factor due and not yet given in this session."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return two_factor_required(user) or _enrolled(request)


def passed(request) -> bool:
    """Whether the signed-in user has cleared every gate (the admin site asks too)."""
    user = request.user
    return bool(
        user.is_authenticated
        and not user.password_change_required
        and not two_factor_pending(request)
    )


def session_started(request, user) -> None:
    """At log-in: the clocks start, and whether the user has an authenticator is noted."""
    now = int(time.time())
    request.session[AUTH_AT] = request.session[SEEN] = now
    remember_enrolment(request, has_device(user))


def _expired(request, now: float) -> str:
    session = request.session
    auth_at = session.get(AUTH_AT)
    if auth_at is None:  # a session from before these rules: start counting now
        session[AUTH_AT] = session[SEEN] = int(now)
        return ""
    if now - auth_at > _policy("SESSION_MAX_HOURS") * 3600:
        return "absolute"
    if now - session.get(SEEN, auth_at) > _policy("IDLE_MINUTES") * 60:
        return "idle"
    return ""


def _touch(request, now: float) -> None:
    if now - request.session.get(SEEN, 0) >= TOUCH_EVERY:
        request.session[SEEN] = int(now)


def idle_deadline(request) -> float:
    """When the session will be idle for too long if nothing else happens (epoch seconds)."""
    seen = request.session.get(SEEN) or request.session.get(AUTH_AT) or time.time()
    latest = (request.session.get(AUTH_AT) or seen) + _policy("SESSION_MAX_HOURS") * 3600
    return min(seen + _policy("IDLE_MINUTES") * 60, latest)


# -- the middleware ----------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _send_to(request, url_name: str, *, code: str, message: str, status: int = 403):
    if _wants_json(request):
        return JsonResponse({"error": message, "code": code}, status=status)
    target = resolve_url(url_name)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    from django.shortcuts import redirect

    return redirect(target)


def end_session(request, reason: str) -> None:
    """Sign the user out for ``reason`` (idle, absolute, locked): the audit row says why
    (accounts/signals.py)."""
    request.minyi_logout_reason = reason
    logout(request)


def _signed_out(request, reason: str):
    message = EXPIRED_MESSAGES[reason]
    next_url = request.get_full_path() if request.method == "GET" else ""
    end_session(request, reason)
    if _wants_json(request) or getattr(request, "minyi_passive", False):
        return JsonResponse({"error": message, "code": "session_expired"}, status=401)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        return response
    messages.info(request, message)
    return redirect_to_login(next_url or "/", settings.LOGIN_URL)


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        deadline = getattr(request, "minyi_stream_deadline", None)
        if deadline is not None and getattr(response, "streaming", False) and response.is_async:
            response.streaming_content = _bounded(
                response.streaming_content, request.session.session_key, deadline
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        now = time.time()
        passive_view = getattr(view_func, "minyi_session_passive", False)
        request.minyi_passive = passive_view
        reason = _expired(request, now)
        if reason:
            return _signed_out(request, reason)
        if passive_view:
            request.minyi_stream_deadline = idle_deadline(request)
        else:
            _touch(request, now)
        free = getattr(view_func, "minyi_gate_exempt", frozenset())
        if two_factor_pending(request) and "two_factor" not in free:
            url = "account-2fa-verify" if has_device(user) else "account-2fa-setup"
            return _send_to(request, url, code="two_factor_required", message="请先完成两步验证。")
        if user.password_change_required and "password" not in free:
            return _send_to(
                request,
                "account-password",
                code="password_change_required",
                message="请先修改密码（管理员设置的临时密码须在首次登录后修改）。",
            )
        return None


async def _bounded(content, session_key: str | None, deadline: float):
    """The stream's chunks while the session is alive: checked before each chunk (the
    stream sends a keep-alive every 20 s), the session re-read once the deadline passes."""
    try:
        async for chunk in content:
            if time.time() >= deadline:
                deadline = await sync_to_async(_stored_deadline, thread_sensitive=False)(
                    session_key
                )
                if time.time() >= deadline:
                    return
            yield chunk
    finally:
        close = getattr(content, "aclose", None)
        if close is not None:
            await close()


def _stored_deadline(session_key: str | None) -> float:
    """The idle deadline the session store holds now (0 when the session is gone)."""
    if not session_key:
        return 0.0
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    try:
        seen, auth_at = store.get(SEEN), store.get(AUTH_AT)
    finally:
        connection.close()  # this worker thread's connection, back to the pool
    if seen is None or auth_at is None:
        return 0.0
    return min(seen + _policy("IDLE_MINUTES") * 60, auth_at + _policy("SESSION_MAX_HOURS") * 3600)
