"""Bootstrap an administrator on a fresh installation (there are no superusers).

    python manage.py create_admin anquan --role security
    MINYI_ADMIN_PASSWORD=… python manage.py create_admin anquan --role security --no-input

The password is asked twice (or read from MINYI_ADMIN_PASSWORD for automation, in which case
it must be changed at the first log-in: it has passed through a script). It must meet the
password policy. The administrator enrols the second factor at the first log-in. Start with a
security administrator, who then grants the other administrator roles in the admin.
"""

from __future__ import annotations

import getpass
import os

from django.core.management.base import BaseCommand, CommandError

from minyi.accounts.models import ADMIN_ROLES, User
from minyi.accounts.services.users import administrator_bootstrap
from minyi.core.errors import DomainError

ENV_PASSWORD = "MINYI_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "创建管理员账号（系统管理员 admin、安全管理员 security、审计管理员 audit）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ADMIN_ROLES))
        parser.add_argument("--name", default="", help="姓名，如 龙晓岚")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help=f"不提示输入密码，从环境变量 {ENV_PASSWORD} 读取",
        )

    def handle(self, *args, username, role, name, no_input, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户“{username}”已存在。")
        from_env = os.environ.get(ENV_PASSWORD)
        if no_input or from_env:
            if not from_env:
                raise CommandError(f"请设置环境变量 {ENV_PASSWORD}。")
            password, must_change = from_env, True
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
            must_change = False
        try:
            administrator_bootstrap(
                username=username,
                role=role,
                password=password,
                must_change=must_change,
                name=name,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        label = dict(User._meta.get_field("role").choices)[role]
        self.stdout.write(f"已创建{label}“{username}”。首次登录时须启用两步验证。")
        if must_change:
            self.stdout.write("该密码来自环境变量，首次登录后须修改。")
