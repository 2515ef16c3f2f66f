"""Credentials: passwords (the policy in ``accounts/passwords.py``, the history, the forced
change), lock-outs and two-factor devices. A person changes their own password and enrols
their own authenticator; only the security administrator resets another's password, lifts a
lock-out or resets an authenticator (``duties.may_manage_credentials``)."""

from __future__ import annotations

import math

from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.accounts import duties, lockout
from minyi.accounts.models import AccountEventKind, PasswordHistory, Role, User, role_of
from minyi.accounts.passwords import NoReuseValidator, temporary_password
from minyi.accounts.services.audit import account_event_record, login_failure_recorded
from minyi.accounts.services.users import AccountRefused
from minyi.core import clock
from minyi.core.errors import DomainError, ValidationFailed

DEVICE_NAME = "身份验证器"


class PasswordRefused(ValidationFailed):
    """The password policy said no; ``messages`` has one line per rule broken."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages), code="password_policy")
        self.messages = messages


def _check_policy(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise PasswordRefused(list(error.messages)) from None


def _store(user: User, password: str, *, must_change: bool) -> None:
    """Set the password and remember its hash (the history keeps the last N)."""
    user.set_password(password)
    user.password_change_required = must_change
    user.save(update_fields=["password", "password_change_required"])
    PasswordHistory.objects.create(user=user, password=user.password, at=clock.now())
    keep = NoReuseValidator().count
    old = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


class TwoPersonRule(AccountRefused):
    """两人原则 (``duties.credential_reset_refused``): another security administrator must."""

    code = "two_person_rule"


def _refuse_unless_security(actor, user: User) -> None:
    if not duties.may_manage_credentials(actor, user):
        if getattr(actor, "pk", None) == user.pk:
            raise AccountRefused("不能在管理后台处理自己的账号凭据，请使用“修改密码”页面。")
        raise AccountRefused("只有安全管理员可以处理账号凭据。")


def _refuse_reset(actor, user: User, key: str) -> User:
    """The account locked (a grant and a reset of one account happen one after the other, so
    each sees the other's audit row), then the duty and the 两人原则 checked."""
    _refuse_unless_security(actor, user)
    user = _locked(user)
    refused = duties.credential_reset_refused(actor, user, key)
    if refused:
        raise TwoPersonRule(refused)
    return user


@transaction.atomic
def password_set_initial(*, user: User, password: str, must_change: bool) -> User:
    """The first password of an account made from the command line (``create_admin``)."""
    user = _locked(user)
    _check_policy(password, user)
    _store(user, password, must_change=must_change)
    return user


class AccountLocked(DomainError):
    """The account is locked (too many wrong passwords): the session asking must end."""

    code = "account_locked"


def password_confirm(*, user: User, password: str, page: str, request=None) -> None:
    """The one check of a signed-in user's own password (修改密码 asks for the current one).

    It counts exactly like a log-in, because it is one more way to guess: a locked account
    (the log-in page's counters, for this user name from this address) is refused before the
    password is looked at (``AccountLocked``); a wrong password is Django's
    ``user_login_failed``, so axes counts it against the same limits and the audit log records
    a failed log-in naming ``page``; the failure that reaches the limit raises
    ``AccountLocked`` too. Not atomic on purpose: the failure is recorded even though the
    caller's change is refused."""
    if request is not None and lockout.request_locked(request, user.username):
        raise AccountLocked(lockout.locked_message(lockout.SESSION_LOCKED_MESSAGE))
    user = User.objects.get(pk=user.pk)  # the stored password, not a copy from before a change
    if user.check_password(password):
        return
    if request is None:  # called from code: no address to count, the row is still written
        login_failure_recorded(username=user.username, request=None, page=page)
    else:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.username},
            request=request,
            minyi_page=page,
        )
        if getattr(request, "axes_locked_out", False):
            raise AccountLocked(lockout.locked_message(lockout.SESSION_LOCKED_MESSAGE))
    raise ValidationFailed("原密码不正确。", code="wrong_password")


def password_change(*, user: User, old_password: str, new_password: str, request=None) -> User:
    """修改密码, by the person themself: the current password (``password_confirm``), then the
    whole policy."""
    password_confirm(user=user, password=old_password, page="修改密码", request=request)
    return _password_replace(user, old_password, new_password, request)


@transaction.atomic
def _password_replace(user: User, old_password: str, new_password: str, request) -> User:
    user = _locked(user)
    if new_password == old_password:
        raise ValidationFailed("新密码不能与原密码相同。", code="password_reused")
    _check_policy(new_password, user)
    _store(user, new_password, must_change=False)
    account_event_record(kind=AccountEventKind.PASSWORD_CHANGED, user=user, request=request)
    return user


@transaction.atomic
def password_reset(*, actor, user: User, request=None) -> str:
    """重置密码, by the security administrator: a random temporary password, shown to them
    once; the person must change it at their next log-in. Refused by the 两人原则 to the one
    who granted the account its administrator role (``TwoPersonRule``)."""
    user = _refuse_reset(actor, user, "password")
    temporary = temporary_password()
    _store(user, temporary, must_change=True)
    account_event_record(
        kind=AccountEventKind.PASSWORD_RESET, user=user, actor=actor, request=request
    )
    return temporary


@transaction.atomic
def account_unlock(*, actor, user: User, request=None) -> int:
    """解除锁定: forget the user name's failed log-ins (every address). Returns how many
    attempt records were cleared."""
    from axes.models import AccessAttempt

    _refuse_unless_security(actor, user)
    cleared, _ = AccessAttempt.objects.filter(username=user.username).delete()
    account_event_record(
        kind=AccountEventKind.UNLOCKED, user=user, actor=actor, request=request, cleared=cleared
    )
    return cleared


@transaction.atomic
def lockout_clear(*, actor, attempts, request=None) -> int:
    """Clear chosen failed-log-in records (the lock-out list in the admin), one audit row per
    user name. Never the actor's own."""
    from axes.models import AccessAttempt

    if role_of(actor) != Role.SECURITY:
        raise AccountRefused("只有安全管理员可以解除登录锁定。")
    rows = list(AccessAttempt.objects.filter(pk__in=[a.pk for a in attempts]))
    if any(row.username == actor.username for row in rows):
        raise AccountRefused("不能解除自己的登录锁定，请另一位安全管理员处理。")
    for username in sorted({row.username or "" for row in rows}):
        mine = [row for row in rows if (row.username or "") == username]
        account_event_record(
            kind=AccountEventKind.UNLOCKED,
            user=User.objects.filter(username=username).first() if username else None,
            username=username,
            actor=actor,
            request=request,
            cleared=len(mine),
            ip_addresses=sorted({row.ip_address or "" for row in mine}),
        )
    AccessAttempt.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@transaction.atomic
def totp_reset(*, actor, user: User, request=None) -> int:
    """重置两步验证: remove the person's authenticator; they enrol a new one at their next
    log-in. Done only after checking who asks (in person or by a call back). Refused by the
    两人原则 like ``password_reset``."""
    user = _refuse_reset(actor, user, "second_factor")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    account_event_record(
        kind=AccountEventKind.TOTP_RESET, user=user, actor=actor, request=request, removed=removed
    )
    return removed


@transaction.atomic
def totp_enrol_start(*, user: User) -> TOTPDevice:
    """The device being enrolled (unconfirmed until a first code proves the app has it)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationFailed("已启用两步验证；如需更换手机，请联系安全管理员重置。")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


class CodeThrottled(DomainError):
    """A code tried before django-otp's wait after the last wrong one is over."""

    code = "code_throttled"


def _wait(device: TOTPDevice) -> int:
    """Seconds before the device checks a code again: django-otp doubles the wait after each
    wrong code (1 s, 2 s, 4 s … from ``throttling_failure_count``; a right code resets it)."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    until = (data or {}).get("locked_until")
    return max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1


def _throttled(wait: int) -> CodeThrottled:
    span = f"{wait} 秒" if wait < 60 else f"{math.ceil(wait / 60)} 分钟"
    if wait >= 3600:
        span = f"{math.ceil(wait / 3600)} 小时"
    return CodeThrottled(f"验证码连续输错，请 {span}后再试；如手机丢失，请联系安全管理员重置。")


def _code_checked(device: TOTPDevice, token: str, *, user, request, stage: str) -> tuple[bool, int]:
    """Check ``token`` on ``device`` (locked by the caller): (right, the wait in force when
    it was tried too soon). A wrong code and a try too soon (not checked at all) are both
    recorded, the second marked ``throttled``."""
    wait = _wait(device)
    if not wait and device.verify_token(token):
        return True, 0
    throttled = {"throttled": True} if wait else {}
    account_event_record(
        kind=AccountEventKind.TOTP_FAILED, user=user, request=request, stage=stage, **throttled
    )
    return False, wait


def totp_enrol_confirm(*, user: User, token: str, request=None) -> TOTPDevice | None:
    """The first code from the app: the device becomes the user's authenticator. Returns
    ``None`` (and records the failure) for a wrong code; ``CodeThrottled`` when tried too
    soon after one."""
    device, wait = _enrol_confirmed(user, token, request)
    if wait:
        raise _throttled(wait)
    return device


@transaction.atomic
def _enrol_confirmed(user: User, token: str, request) -> tuple[TOTPDevice | None, int]:
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("id")
        .first()
    )
    if device is None:
        raise ValidationFailed("请重新打开启用两步验证页面扫描二维码。")
    right, wait = _code_checked(device, token, user=user, request=request, stage="enrol")
    if not right:
        return None, wait
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    account_event_record(kind=AccountEventKind.TOTP_ENROLLED, user=user, request=request)
    return device, 0


def totp_verify(*, user: User, token: str, request=None) -> TOTPDevice | None:
    """The code asked at log-in. Returns the device that accepted it, or ``None`` for a wrong
    code (recorded); ``CodeThrottled`` when tried too soon after one (recorded, not checked)."""
    device, wait = _verified(user, token, request)
    if wait:
        raise _throttled(wait)
    return device


@transaction.atomic
def _verified(user: User, token: str, request) -> tuple[TOTPDevice | None, int]:
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=True)
        .order_by("id")
        .first()
    )
    if device is None:
        account_event_record(
            kind=AccountEventKind.TOTP_FAILED, user=user, request=request, stage="login"
        )
        return None, 0
    right, wait = _code_checked(device, token, user=user, request=request, stage="login")
    if not right:
        return None, wait
    account_event_record(kind=AccountEventKind.TOTP_VERIFIED, user=user, request=request)
    return device, 0
