"""An account's record: created and edited by the system administrator (administrator roles
and administrator accounts by the security administrator), deactivated, never deleted.

Who may change which field is ``accounts/duties.py``'s rule; these functions enforce it, so
the admin's forms (which offer only what the rule allows) are not the only guard."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from minyi.accounts import duties
from minyi.accounts.models import AccountEventKind, User
from minyi.accounts.services.audit import account_event_record
from minyi.core.errors import DomainError, ValidationFailed
from minyi.core.sentences import join_sentences


class AccountRefused(DomainError):
    code = "forbidden"


# Fields whose value is personal: the audit row names that they changed, not what to.
PERSONAL = frozenset({"phone", "email"})
EDITABLE = frozenset({*duties.RECORD_FIELDS, "role", "is_active"})


def _validated(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        raise ValidationFailed(join_sentences(error.messages)) from None


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    last_name: str = "",
    first_name: str = "",
    role: str = "",
    department=None,
    deputy=None,
    station=None,
    phone: str = "",
    email: str = "",
) -> User:
    """创建用户: a record without a usable password. The security administrator gives it a
    temporary one (``credentials.password_reset``); the person changes it at first log-in."""
    if not duties.may(actor, "accounts.user", duties.ADD):
        raise AccountRefused("您不能创建用户（由系统管理员负责）。")
    refused = duties.role_change_refused(actor, None, role)
    if refused:
        raise AccountRefused(refused)
    user = User(
        username=username,
        last_name=last_name,
        first_name=first_name,
        role=role,
        department=department,
        deputy=deputy,
        station=station,
        phone=phone,
        email=email,
        password_change_required=True,
    )
    user.set_unusable_password()
    _validated(user)
    user.save()
    account_event_record(
        kind=AccountEventKind.USER_CREATED, user=user, actor=actor, role=role or ""
    )
    return user


@transaction.atomic
def user_update(*, actor, user: User, changes: dict) -> User:
    """修改用户: apply ``changes`` (field -> value) the actor may make, one audit row per kind
    of change (record fields together, the role, the activation)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    changed = {name: value for name, value in changes.items() if getattr(locked, name) != value}
    unknown = set(changed) - EDITABLE
    if unknown:
        raise AccountRefused(f"不能在此修改：{'、'.join(sorted(unknown))}。")
    if "role" in changed:
        reason = duties.role_change_refused(actor, locked, changed["role"])
        if reason:
            raise AccountRefused(reason)
    refused = set(changed) - duties.user_fields_editable(actor, locked)
    if refused:
        labels = "、".join(str(User._meta.get_field(f).verbose_name) for f in sorted(refused))
        raise AccountRefused(f"您不能修改该用户的：{labels}。")
    before_role, before_active = locked.role, locked.is_active
    for name, value in changed.items():
        setattr(locked, name, value)
    if not changed:
        return locked
    _validated(locked)
    locked.save(update_fields=sorted(changed))

    record = sorted(set(changed) - {"role", "is_active"})
    if record:
        account_event_record(
            kind=AccountEventKind.USER_CHANGED, user=locked, actor=actor, fields=record
        )
    if "role" in changed:
        account_event_record(
            kind=AccountEventKind.ROLE_CHANGED,
            user=locked,
            actor=actor,
            before=before_role,
            after=locked.role,
        )
    if "is_active" in changed and locked.is_active != before_active:
        kind = AccountEventKind.ACTIVATED if locked.is_active else AccountEventKind.DEACTIVATED
        account_event_record(kind=kind, user=locked, actor=actor)
    return locked


@transaction.atomic
def administrator_bootstrap(
    *, username: str, role: str, password: str, must_change: bool, name: str = ""
) -> User:
    """An administrator made from the command line (``manage.py create_admin``), where there
    is no administrator yet to do it: whoever can run commands on the server is trusted with
    this. The password meets the policy; the audit row says how the account came to be."""
    from minyi.accounts.models import ADMIN_ROLES
    from minyi.accounts.services.credentials import password_set_initial

    if role not in ADMIN_ROLES:
        raise ValidationFailed("只能用此命令创建管理员（admin、security、audit）。")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"用户“{username}”已存在。")
    user = User(username=username, role=role, last_name=name[:1], first_name=name[1:])
    user.set_unusable_password()
    _validated(user)
    user.save()
    password_set_initial(user=user, password=password, must_change=must_change)
    account_event_record(
        kind=AccountEventKind.USER_CREATED, user=user, role=role, via="create_admin"
    )
    return user
