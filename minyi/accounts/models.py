from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OPERATOR = "operator", "话务员"
    DISPATCHER = "dispatcher", "派单员"
    HANDLER = "handler", "承办人"
    CALLBACK = "callback", "回访员"
    DEPUTY = "deputy", "人大代表"
    LIAISON = "liaison", "联工委"
    # 等保 三权分立: three administrators, none of whom can do another's work (DESIGN §1).
    ADMIN = "admin", "系统管理员"
    SECURITY = "security", "安全管理员"
    AUDIT = "audit", "审计管理员"


# The only roles that may enter the admin site (/admin/); everyone else works in a workbench.
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDIT})
# The hotline itself: the people who take calls, dispatch and call back. Only they (and the
# system administrator, in the admin) may reveal a requester who asked to stay anonymous.
HOTLINE_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.CALLBACK})


class User(AbstractUser):
    """A person who signs in. Citizens on 码上找代表 do not need an account."""

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
    phone = models.CharField("手机号码", max_length=32, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="handler") | models.Q(department__isnull=False),
                name="handler_has_department",
                violation_error_message="承办人必须属于一个承办单位。",
            )
        ]

    def __str__(self) -> str:
        full = self.get_full_name() or self.username
        return f"{full}（{self.get_role_display()}）" if self.role else full

    def get_full_name(self) -> str:
        # Chinese names are family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()
