"""The account audit log: one ``AccountEvent`` per log-in, log-out, failure, lock-out and per
change an administrator makes to an account."""

from __future__ import annotations

from django.db import transaction

from minyi.accounts.models import AccountEvent, AccountEventKind
from minyi.core import clock
from minyi.core.access import client_ip


def _request_details(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    agent = request.META.get("HTTP_USER_AGENT", "")
    return client_ip(request), agent[:200]


@transaction.atomic
def account_event_record(
    *,
    kind: AccountEventKind,
    user=None,
    username: str = "",
    actor=None,
    request=None,
    **details,
) -> AccountEvent:
    """Write one audit row. ``user`` is the account concerned, ``actor`` who acted on it (when
    that is not the user), ``request`` gives the IP address and browser."""
    ip, agent = _request_details(request)
    if user is not None and not getattr(user, "pk", None):
        user = None  # an anonymous or unsaved user names nobody
    return AccountEvent.objects.create(
        at=clock.now(),
        kind=kind,
        user=user,
        username=(username or getattr(user, "username", "") or "")[:150],
        actor=actor if getattr(actor, "pk", None) else None,
        ip=ip,
        user_agent=agent,
        details=details,
    )


def login_recorded(*, user, request) -> AccountEvent:
    return account_event_record(kind=AccountEventKind.LOGIN, user=user, request=request)


# why a session ended other than by 退出: its time ran out, or the account was locked
EXPIRY_REASONS = frozenset({"idle", "absolute"})


def logout_recorded(*, user, request, reason: str = "") -> AccountEvent:
    kind = AccountEventKind.SESSION_EXPIRED if reason in EXPIRY_REASONS else AccountEventKind.LOGOUT
    details = {"reason": reason} if reason else {}
    return account_event_record(kind=kind, user=user, request=request, **details)


def login_failure_recorded(*, username: str, request, page: str = "") -> AccountEvent:
    """A wrong user name or password: at the log-in page, or a signed-in user's wrong current
    password on ``page`` (修改密码). The account, when the name is one, is named; the password
    never is."""
    from minyi.accounts.models import User

    user = User.objects.filter(username=username).first() if username else None
    details = {"page": page} if page else {}
    return account_event_record(
        kind=AccountEventKind.LOGIN_FAILED,
        user=user,
        username=username or "",
        request=request,
        **details,
    )


def lockout_recorded(*, username: str, request) -> AccountEvent:
    from minyi.accounts.models import User

    user = User.objects.filter(username=username).first() if username else None
    return account_event_record(
        kind=AccountEventKind.LOCKED_OUT, user=user, username=username or "", request=request
    )
