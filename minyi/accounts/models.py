from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice

from minyi.core import timefmt
from minyi.core.append_only import AppendOnlyModel


class Role(models.TextChoices):
    OPERATOR = "operator", "话务员"
    DISPATCHER = "dispatcher", "派单员"
    HANDLER = "handler", "承办人"
    CALLBACK = "callback", "回访员"
    DEPUTY = "deputy", "人大代表"
    LIAISON = "liaison", "联工委"
    STATION = "station", "联络站工作人员"
    # 等保 三权分立: three administrators, none of whom can do another's work (DESIGN §1).
    ADMIN = "admin", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDIT = "audit", "审计管理员"


# The only roles that may enter the admin site (/admin/); everyone else works in a workbench.
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDIT})
# The hotline itself: the people who take calls, dispatch and call back. Only they (and the
# system administrator, in the admin) may reveal a requester who asked to stay anonymous.
HOTLINE_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK})


def role_of(user) -> str:
    """The role a request may act in: none for a missing, anonymous or deactivated user (the
    rules that read it — the duty table, the privacy rule — fail closed on "")."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if not getattr(user, "is_active", False):
        return ""
    return getattr(user, "role", "") or ""


NO_SUPERUSERS = (
    "本系统没有超级用户：请用 python manage.py create_admin 用户名 --role security|admin|audit "
    "创建管理员（三权分立，见 docs/security.md）。"
)
NEVER_DELETED = "用户只能停用，不能删除：停用后登录即失效，操作与查看记录仍指向此人。"


class UserQuerySet(models.QuerySet):
    def delete(self):
        raise TypeError(NEVER_DELETED)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, *args, **kwargs):
        # `manage.py createsuperuser` ends here; a ValidationError becomes its error message.
        raise ValidationError(NO_SUPERUSERS)


class User(AbstractUser):
    """A person who signs in. Citizens on 码上找代表 do not need an account.

    What a user may do in the admin is their role's duties (``accounts/duties.py``), nothing
    else: ``is_superuser`` and ``is_staff`` grant nothing here (the constraint keeps the first
    false; the admin site reads the role, not the second). Users are deactivated, never deleted.
    """

    role = models.CharField("角色", max_length=16, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        "reference.Department",
        verbose_name="所属承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="承办人必填",
    )
    deputy = models.OneToOneField(
        "deputies.Deputy",
        verbose_name="对应代表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        verbose_name="所属联络站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="联络站工作人员必填",
    )
    phone = models.CharField("手机号码", max_length=32, blank=True)
    password_change_required = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="管理员创建的账号、安全管理员重置的密码，登录后必须先修改密码",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="handler") | models.Q(department__isnull=False),
                name="handler_has_department",
                violation_error_message="承办人必须属于一个承办单位。",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="station") | models.Q(station__isnull=False),
                name="station_staff_has_station",
                violation_error_message="联络站工作人员必须属于一个联络站。",
            ),
            models.CheckConstraint(
                condition=models.Q(is_superuser=False),
                name="no_superusers",
                violation_error_message=NO_SUPERUSERS,
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name() or self.username
        return f"{full}（{self.get_role_display()}）" if self.role else full

    def get_full_name(self) -> str:
        # Chinese names are family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self) -> str:
        # the admin greets with this ("欢迎，…"): a given name alone reads oddly in Chinese
        return self.get_full_name() or self.username

    # PermissionsMixin answers True for an active superuser before asking any backend. Here
    # the backends (the duty table, accounts/backends.py) are the only answer.
    def has_perm(self, perm, obj=None) -> bool:
        return self.is_active and _ask_backends("has_perm", self, perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.is_active and _ask_backends("has_module_perms", self, app_label)

    def delete(self, *args, **kwargs):
        raise TypeError(NEVER_DELETED)

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role in ADMIN_ROLES


def _ask_backends(method: str, user, *args) -> bool:
    for backend in auth.get_backends():
        if not hasattr(backend, method):
            continue
        try:
            if getattr(backend, method)(user, *args):
                return True
        except PermissionDenied:
            return False
    return False


class AccountEventKind(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "登录锁定"
    LOGOUT = "logout", "退出登录"
    SESSION_EXPIRED = "session_expired", "会话超时"
    TOTP_ENROLLED = "totp_enrolled", "启用两步验证"
    TOTP_VERIFIED = "totp_verified", "两步验证通过"
    TOTP_FAILED = "totp_failed", "两步验证失败"
    TOTP_RESET = "totp_reset", "重置两步验证"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    UNLOCKED = "unlocked", "解除锁定"
    USER_CREATED = "user_created", "创建用户"
    USER_CHANGED = "user_changed", "修改用户信息"
    ROLE_CHANGED = "role_changed", "变更角色"
    DEACTIVATED = "deactivated", "停用账号"
    ACTIVATED = "activated", "启用账号"


class AccountEvent(AppendOnlyModel):
    """The account audit log (等保 安全审计): log-ins, log-outs, failures, lock-outs, password
    and two-factor changes, and every change an administrator makes to an account.

    Append-only. ``user`` is the account concerned (empty for a log-in attempt with an unknown
    user name, which ``username`` keeps as typed); ``actor`` is who did it when that is
    someone else (an administrator). Both are PROTECTed: users are never deleted."""

    at = models.DateTimeField("时间", db_index=True)
    kind = models.CharField("事件", max_length=20, choices=AccountEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account_events",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=200, blank=True)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "账号审计记录"
        verbose_name_plural = "账号审计记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="account_event_user_at"),
            models.Index(fields=["kind", "-at"], name="account_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{timefmt.local_text(self.at)} {self.username} {self.get_kind_display()}"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, so a new one cannot reuse them
    (``accounts.passwords.NoReuseValidator``). Only the last few are kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.PROTECT,
        related_name="password_history",
    )
    password = models.CharField("密码摘要", max_length=128)
    at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="password_history_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {timefmt.local_text(self.at)}"


# The admin shows two third-party tables under our names, in Chinese (neither package ships a
# Chinese translation): proxies, so the tables and their code stay the packages' own. Their
# field names are translated in minyi/locale (django-axes marks them for translation) or, where
# the package does not (django-otp), named by the admin (accounts/admin.py).


class LoginAttempt(AccessAttempt):
    """django-axes' failed log-ins still counting towards a lock-out."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录（锁定）"

    def __str__(self) -> str:  # axes' own reads "Attempted Access: <UTC time>"
        return f"{self.username} {timefmt.local_text(self.attempt_time)}"


class Authenticator(TOTPDevice):
    """django-otp's TOTP device: a person's authenticator app."""

    class Meta:
        proxy = True
        verbose_name = "两步验证设备"
        verbose_name_plural = "两步验证设备"
