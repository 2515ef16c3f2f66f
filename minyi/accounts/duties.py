"""Separation of duties (等保 2.0 三级 三权分立): what each administrator may do in the admin.

The one table. The permission backend (``accounts/backends.py``) answers ``user.has_perm``
from it, so the admin site shows and allows exactly this; ``is_superuser``, groups and
per-user permissions grant nothing. Roles outside the table (every workbench role) get
nothing, and the admin site turns them away before any page (``minyi/adminsite/site.py``).

- 系统管理员 ``admin``: users' records (not their credentials), reference data, the deputy
  registry, the calendar, message templates; reads orders and calls (masked, logged reveal).
- 安全管理员 ``security``: accounts' security (passwords, lock-outs, two-factor devices,
  administrator roles and administrator accounts' activation), CTI tokens and extensions.
- 审计管理员 ``audit``: reads the audit and access logs; changes nothing.

``tests/adminsite/test_duty_matrix.py`` walks every registered ModelAdmin against this table:
a model the table does not mention is a test failure, not a silent default.
"""

from __future__ import annotations

from minyi.accounts.models import ADMIN_ROLES, Role, role_of

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

READ = frozenset({VIEW})
EDIT = frozenset({VIEW, ADD, CHANGE})
ALL = frozenset(ACTIONS)

# role -> model label ("app_label.model_name") -> actions
DUTIES: dict[str, dict[str, frozenset[str]]] = {
    Role.ADMIN: {
        # users' records: create, name, role (of non-administrators), department, deputy
        # link, station (联络站工作人员), deactivate; never delete, never credentials (field
        # rules below)
        "accounts.user": EDIT,
        # reference data
        "reference.region": ALL,
        "reference.department": ALL,
        "reference.category": ALL,
        "reference.requesttype": ALL,
        "reference.timelimitrule": ALL,
        "reference.scopereason": ALL,
        # the deputy registry (imports, exports, ending mandates: deputies/admin.py); a deputy
        # and a mandate are kept for the record, a wrong phone number can go
        "deputies.deputy": EDIT,
        "deputies.deputyphone": ALL,
        "deputies.mandate": EDIT,
        "deputies.congress": ALL,
        "deputies.liaisonstation": ALL,
        # 专业小组 (issue 12): the clue library gives clues to a group's deputies
        "deputies.professionalgroup": ALL,
        # the working-day calendar
        "workdays.specialday": ALL,
        "workdays.calendaryear": EDIT,
        # message templates
        "notify.messagetemplate": EDIT,
        # orders and calls, read-only, requester masked (the order page shows its parts and
        # its timeline)
        "orders.workorder": READ,
        "orders.assignment": READ,
        "orders.orderevent": READ,
        "calls.calllog": READ,
        "calls.callevent": READ,
        # background jobs (SMS sends, SLA scans), to see why one failed
        "core.backgroundtask": READ,
        # 码上找代表, read-only: messages (citizen masked, no text) and blocked numbers
        "mashang.message": READ,
        "mashang.messageevent": READ,
        "mashang.blockedphone": READ,
        # the statistics policy: k, the minimum sample, the department grading's weights (its
        # one row, seeded by the migration: changed, never added nor deleted)
        "ledger.statisticspolicy": frozenset({VIEW, CHANGE}),
        # 代表建议's reply limits (its one row, seeded: changed, never added nor deleted)
        "suggestions.suggestionpolicy": frozenset({VIEW, CHANGE}),
    },
    Role.SECURITY: {
        # accounts' security: password reset, unlock, two-factor reset, administrator roles
        # and administrator accounts' activation (field rules below)
        "accounts.user": frozenset({VIEW, CHANGE}),
        "accounts.loginattempt": frozenset({VIEW, DELETE}),  # delete = unlock
        "accounts.authenticator": frozenset({VIEW, DELETE}),  # delete = reset two-factor
        "calls.ctitoken": EDIT,  # add = create, change = revoke
        "calls.agentmapping": ALL,
    },
    Role.AUDIT: {
        "accounts.accountevent": READ,
        "admin.logentry": READ,
        "privacy.personaldataaccess": READ,
        "orders.orderevent": READ,
        "accounts.loginattempt": READ,
        "deputies.registrychange": READ,
        "workdays.calendarchange": READ,
        "notify.outboxmessage": READ,
        "notify.notice": READ,
        "core.housekeepingrun": READ,
    },
}

# Personal fields an administrator may reveal in the admin (each reveal logged). An order's
# requester is not here: the privacy rule decides that (minyi/privacy/rules.py).
REVEALS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"accounts.user", "deputies.deputy"}),
}

# Admin pages that are not a model's: page name -> roles.
PAGES: dict[str, frozenset[str]] = {
    "security_policy": frozenset({Role.SECURITY, Role.AUDIT}),
}


def duties_of(user) -> dict[str, frozenset[str]]:
    return DUTIES.get(role_of(user), {})


def permissions_of(user) -> frozenset[str]:
    """Django permission names (``reference.change_region``) the user's role holds."""
    names = set()
    for label, actions in duties_of(user).items():
        app_label, model = label.split(".")
        names.update(f"{app_label}.{action}_{model}" for action in actions)
    return frozenset(names)


def may(user, label: str, action: str) -> bool:
    return action in duties_of(user).get(label, ())


def may_reveal(user, label: str) -> bool:
    return label in REVEALS.get(role_of(user), ())


def may_open_page(user, page: str) -> bool:
    return role_of(user) in PAGES.get(page, ())


# -- users: who changes which part of an account ---------------------------------------------
# A user's record and a user's credentials belong to different administrators. Administrator
# accounts (and the administrator roles) are the security administrator's; nobody changes
# their own role or activation, and nobody resets their own credentials in the admin (the
# change-password page is for that).

RECORD_FIELDS = frozenset(
    {"last_name", "first_name", "email", "phone", "department", "deputy", "station"}
)


def _is_admin_account(user) -> bool:
    return getattr(user, "role", "") in ADMIN_ROLES


def user_fields_editable(actor, target) -> frozenset[str]:
    """The fields of ``target`` that ``actor`` may change (``None`` target: a new user)."""
    role = role_of(actor)
    own = target is not None and target.pk == actor.pk
    if role == Role.ADMIN:
        fields = set(RECORD_FIELDS)
        if target is None or (not own and not _is_admin_account(target)):
            fields |= {"role", "is_active"}
        return frozenset(fields)
    if role == Role.SECURITY and target is not None and not own:
        return frozenset({"role", "is_active"} if _is_admin_account(target) else {"role"})
    return frozenset()


def roles_assignable(actor, target) -> tuple[str, ...]:
    """The roles ``actor`` may give ``target`` ("" = no role)."""
    role = role_of(actor)
    if "role" not in user_fields_editable(actor, target):
        return ()
    if role == Role.ADMIN:
        return ("", *(r for r in Role.values if r not in ADMIN_ROLES))
    if role == Role.SECURITY:
        return ("", *sorted(ADMIN_ROLES))
    return ()


def role_change_refused(actor, target, new_role: str) -> str | None:
    """Why ``actor`` may not give ``target`` the role ``new_role`` (``None``: allowed)."""
    if target is not None and target.pk == actor.pk:
        return "不能更改自己的角色。"
    current = getattr(target, "role", "") if target is not None else ""
    if new_role == current:
        return None
    if new_role not in roles_assignable(actor, target):
        if role_of(actor) == Role.SECURITY:
            return "安全管理员只能授予或撤销管理员角色；业务角色由系统管理员设置。"
        if role_of(actor) == Role.ADMIN:
            return "系统管理员不能授予或更改管理员角色（由安全管理员负责）。"
        return "您不能更改用户的角色。"
    if role_of(actor) == Role.SECURITY and new_role == "" and not _is_admin_account(target):
        return "该用户不是管理员，其业务角色由系统管理员设置。"
    if new_role in ADMIN_ROLES and target is not None:
        return administrator_grant_refused(actor, target)
    return None


def may_manage_credentials(actor, target) -> bool:
    """Reset a password, unlock, reset two-factor: the security administrator, for others."""
    return role_of(actor) == Role.SECURITY and target is not None and target.pk != actor.pk


# -- 两人原则: who grants an administrator role never also holds that account's keys ---------
# An account's keys are its password and its second factor. A security administrator "holds"
# one when they reset it last and nothing since shows it is the owner's again: they saw the
# temporary password (and could have signed in with it and set a password of their choosing —
# no record tells them from the owner), or they removed the authenticator and no new one has
# been enrolled (whoever signs in next enrols one). The account audit log (``AccountEvent``,
# written by the services in the same transaction) is the history read here.
#
# 1. A security administrator who holds a key of an account does not grant it an administrator
#    role; and nobody grants one to an account still without a password of its owner's (none
#    yet, or a temporary one not changed): whoever saw that password could sign in first.
# 2. A security administrator who granted an account its current administrator role does not
#    reset its password or second factor.
# 3. Nobody holds both keys of an administrator: the one who reset its password does not also
#    reset its second factor, and the one who removed its authenticator does not reset its
#    password before a new one is enrolled.
# A second security administrator does the other half; each rule names them.

OTHER = "请另一位安全管理员办理（两人原则）。"


def _latest(target, *kinds):
    """The account's newest audit row of ``kinds`` (rows are only appended: the id orders them)."""
    from minyi.accounts.models import AccountEvent

    return AccountEvent.objects.filter(user=target, kind__in=kinds).order_by("-id").first()


def holds_password(actor, target) -> bool:
    last = _latest(target, "password_reset")
    return last is not None and last.actor_id == actor.pk


def holds_second_factor(actor, target) -> bool:
    last = _latest(target, "totp_reset", "totp_enrolled")
    return last is not None and last.kind == "totp_reset" and last.actor_id == actor.pk


def granted_current_role(actor, target) -> bool:
    if not _is_admin_account(target):
        return False
    last = _latest(target, "role_changed")
    return (
        last is not None and last.actor_id == actor.pk and last.details.get("after") == target.role
    )


def administrator_grant_refused(actor, target) -> str | None:
    """Why ``actor`` may not make ``target`` an administrator now (rule 1), ``None``: allowed."""
    if holds_password(actor, target):
        return "该账号的密码最近一次由您重置，您不能再授予其管理员角色。" + OTHER
    if holds_second_factor(actor, target):
        return "您重置了该账号的两步验证且本人尚未重新绑定，您不能再授予其管理员角色。" + OTHER
    if not target.has_usable_password() or target.password_change_required:
        return (
            "该账号尚无本人设置的密码（没有密码，或临时密码尚未修改）：请本人先登录并修改密码，"
            "再授予管理员角色（两人原则）。"
        )
    return None


def credential_reset_refused(actor, target, key: str) -> str | None:
    """Why ``actor`` may not reset ``target``'s ``key`` ("password" or "second_factor") now
    (rules 2 and 3), ``None``: allowed. The duty itself is ``may_manage_credentials``."""
    if granted_current_role(actor, target):
        return "您授予了该账号现在的管理员角色，不能再重置其密码或两步验证。" + OTHER
    if _is_admin_account(target):
        if key == "second_factor" and holds_password(actor, target):
            return "该管理员的密码最近一次由您重置，您不能再重置其两步验证。" + OTHER
        if key == "password" and holds_second_factor(actor, target):
            return "您重置了该管理员的两步验证且本人尚未重新绑定，您不能再重置其密码。" + OTHER
    return None
