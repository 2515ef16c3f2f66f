"""A deputy signs in with their registered phone number and an SMS code (码上找代表): the deputy
registry is the account list, so the thousands of deputies of a city need no account made by
hand. Password log-in stays for staff (docs/security.md, "Deputies sign in by SMS code").

1. ``login_code_send``: a code goes out (``sms_code_issue``, purpose ``login``, with its limits
   per number and per address) only when the number is a ``DeputyPhone`` of an active deputy;
   the caller answers the same whatever happened ("如号码已登记，验证码已发送"), so the page does
   not tell who is a deputy — nor whether a limit held the code back.
2. ``deputy_login``: the code is spent (``sms_code_check``) and the deputy's account returned:
   their ``User`` (role deputy), created the first time (``deputy-<id>``, no usable password,
   no password change asked of it), an audit row saying so. A deactivated account, or one
   of another role linked to the deputy, is refused; the code is checked first, so a refusal
   says nothing to someone without it.
"""

from __future__ import annotations

from django.db import transaction

from minyi.accounts.models import AccountEventKind, Role, User
from minyi.accounts.services.audit import account_event_record
from minyi.core.errors import DomainError
from minyi.core.masking import mask_phone

SENT = "如号码已登记，验证码已发送，5分钟内有效。"
NO_CODE = "验证码已过期或未获取，请重新获取。"
INACTIVE = "该账号已停用，请联系系统管理员。"
NOT_A_DEPUTY_ACCOUNT = "该号码对应的账号不是代表账号，请用用户名和密码登录。"
PAGE = "phone-login"


class LoginRefused(DomainError):
    code = "login_refused"


def deputy_for_phone(number: str):
    """The active deputy whose registered number ``number`` (E.164) is, or None."""
    from minyi.deputies.models import Deputy

    return Deputy.objects.filter(is_active=True, phones__number=number).first()


def login_code_send(*, phone: str, ip: str = "") -> None:
    """Send a log-in code when ``phone`` is a registered deputy's; nothing otherwise. A malformed
    number raises ``CodeRefused`` (that says nothing about anyone); a limit reached is silent."""
    from minyi.mashang.models import SmsCodePurpose
    from minyi.mashang.services.verification import TooMany, mobile, sms_code_issue

    number = mobile(phone)
    if deputy_for_phone(number) is None:
        return
    try:
        sms_code_issue(phone=number, purpose=SmsCodePurpose.LOGIN, ip=ip)
    except TooMany:
        pass  # the same answer as a sent code: the limit is not a way to find deputies


def _failed(number: str, request, reason: str) -> None:
    account_event_record(
        kind=AccountEventKind.LOGIN_FAILED,
        username=mask_phone(number),
        request=request,
        page=PAGE,
        reason=reason,
    )


def deputy_login(*, phone: str, code: str, request=None) -> User:
    """The deputy's account once the code sent to ``phone`` checks out (``CodeRefused`` or
    ``LoginRefused`` otherwise, each an audit row). Signing in is the caller's
    (``django.contrib.auth.login``)."""
    from minyi.mashang.models import SmsCodePurpose
    from minyi.mashang.services.verification import CodeRefused, mobile, sms_code_check

    number = mobile(phone)
    try:
        with transaction.atomic():
            deputy = deputy_for_phone(number)
            if deputy is None:
                # the same words as a number that was sent no code
                raise CodeRefused(NO_CODE, code="sms_code_expired")
            sms_code_check(phone=number, code=code, purpose=SmsCodePurpose.LOGIN)
            return _account_of(deputy)
    except DomainError as error:
        _failed(number, request, error.code)
        raise


def _account_of(deputy) -> User:
    from minyi.deputies.models import Deputy

    # one account per deputy, even when two log-ins race for the first one
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    user = User.objects.filter(deputy=deputy).first()
    if user is None:
        user = User(
            username=f"deputy-{deputy.pk}",
            last_name=deputy.name,
            role=Role.DEPUTY,
            deputy=deputy,
            password_change_required=False,
        )
        user.set_unusable_password()
        user.save()
        account_event_record(
            kind=AccountEventKind.USER_CREATED, user=user, role=Role.DEPUTY, via=PAGE
        )
        return user
    if not user.is_active:
        raise LoginRefused(INACTIVE, code="inactive")
    if user.role != Role.DEPUTY:
        raise LoginRefused(NOT_A_DEPUTY_ACCOUNT, code="not_deputy")
    return user
