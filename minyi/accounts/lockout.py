"""Lock-out after repeated failed log-ins (django-axes), keyed so that one attacker cannot
lock out the whole call centre behind one NAT address.

Three counters, each over the cool-off window (default 15 minutes), each with its own limit:

1. the user name from one IP address (default 5 failures): the ordinary lock. Someone who
   guesses 王芳's password from one machine locks 王芳 out from that address only; her
   colleagues behind the same NAT address, and 王芳 herself from another desk's address,
   are not affected;
2. the user name from any address (default 20): guessing one account from many addresses
   (a botnet) locks that account everywhere. The price: anyone can lock one account for the
   window by failing 20 times; the security administrator can lift it early;
3. the IP address alone (default off, 0): a spray of many user names from one address.
   Off by default because the call centre shares one address and one careless script would
   lock everyone out; an internet-facing deployment may set MINYI_LOCKOUT_IP_FAILURES.

axes compares one failure count against one limit, so ``MinyiAxesHandler.get_failures``
scales each counter to the first limit (``failures * first_limit // own_limit`` reaches
``first_limit`` exactly when ``failures`` reaches ``own_limit``).
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

USER_AND_IP = ("username", "ip_address")
LOCKED_MESSAGE = (
    "登录失败次数过多，账号已暂时锁定。请 {minutes} 分钟后再试，或联系安全管理员解除锁定。"
)
# a signed-in session that guessed its own password (修改密码) until the lock: it is ended
SESSION_LOCKED_MESSAGE = (
    "原密码连续输错次数过多，账号已暂时锁定，已退出登录。"
    "请 {minutes} 分钟后再试，或联系安全管理员解除锁定。"
)


def _policy() -> dict:
    return settings.MINYI_ACCOUNTS["LOCKOUT"]


def limits() -> list[tuple[tuple[str, ...], int]]:
    """(the parameters a counter is keyed by, its limit), in axes' parameter order."""
    policy = _policy()
    rules = [(USER_AND_IP, policy["USER_IP_FAILURES"]), (("username",), policy["USER_FAILURES"])]
    if policy["IP_FAILURES"]:
        rules.append((("ip_address",), policy["IP_FAILURES"]))
    return rules


def lockout_parameters(request=None, credentials=None) -> list:
    """AXES_LOCKOUT_PARAMETERS: the keys of the counters above."""
    return [list(keys) if len(keys) > 1 else keys[0] for keys, _ in limits()]


def failure_limit(request=None, credentials=None) -> int:
    """AXES_FAILURE_LIMIT: the first counter's limit (the others are scaled to it)."""
    return limits()[0][1]


class MinyiAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        base = failure_limit()
        scaled = 0
        for attempts, (_, limit) in zip(
            self.get_user_attempts(request, credentials), limits(), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled = max(scaled, failures * base // limit)
        return scaled


def cooloff() -> timedelta:
    return timedelta(minutes=_policy()["COOLOFF_MINUTES"])


def is_locked(username: str) -> bool:
    """Whether ``username`` is locked from some address now."""
    from minyi.accounts.models import User

    if not username:
        return False
    row = (
        with_lock_state(User.objects.filter(username=username))
        .values("failures_total", "failures_one_address")
        .first()
    )
    if row is None:  # a user name nobody has: count the attempts themselves
        from axes.models import AccessAttempt

        recent = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=timezone.now() - cooloff()
        )
        total = recent.aggregate(n=Sum("failures_since_start"))["n"] or 0
        per_ip = recent.values("ip_address").annotate(n=Sum("failures_since_start"))
        return locked_by(total, max((r["n"] for r in per_ip), default=0))
    return locked_by(row["failures_total"], row["failures_one_address"])


def with_lock_state(users):
    """``users`` annotated with ``failures_total`` and ``failures_one_address`` over the window,
    in the same query (the admin's user list shows who is locked without a query per row)."""
    from axes.models import AccessAttempt

    recent = AccessAttempt.objects.filter(
        username=OuterRef("username"), attempt_time__gte=timezone.now() - cooloff()
    )

    def worst(grouping: str):
        sums = recent.values(grouping).annotate(n=Sum("failures_since_start")).order_by("-n")
        return Coalesce(Subquery(sums.values("n")[:1]), Value(0), output_field=IntegerField())

    return users.annotate(
        failures_total=worst("username"), failures_one_address=worst("ip_address")
    )


def request_locked(request, username: str) -> bool:
    """Whether a log-in as ``username`` from this request's address would be refused now (the
    same counters and limits as the log-in page: a page that checks a signed-in user's
    password asks this first)."""
    if not settings.AXES_ENABLED or not username:
        return False
    return AxesProxyHandler.is_locked(request, {"username": username})


def locked_by(failures_total: int, failures_one_address: int) -> bool:
    policy = _policy()
    return (
        failures_total >= policy["USER_FAILURES"]
        or failures_one_address >= policy["USER_IP_FAILURES"]
    )


def locked_message(template: str = LOCKED_MESSAGE) -> str:
    return template.format(minutes=_policy()["COOLOFF_MINUTES"])


def locked_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the log-in page again, with the reason, as 429. A page that
    ended a session because of the lock says so in ``request.minyi_locked_message``."""
    from minyi.accounts.forms import LoginForm

    username = get_client_username(request, credentials) or ""
    form = LoginForm(request, initial={"username": username})
    message = getattr(request, "minyi_locked_message", "") or locked_message()
    context = {"form": form, "locked": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
