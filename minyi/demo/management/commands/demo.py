import time

from django.core.management.base import BaseCommand, CommandError

from minyi.demo.guard import deployment_signs, refusal
from minyi.demo.loader import (
    DEFAULT_ORDERS,
    DEFAULT_SEED,
    admin_url,
    demo_present,
    load_demo,
    login_rows,
)
from minyi.orders.models import Status, Warning


class Command(BaseCommand):
    help = (
        "加载韶山演示数据（行政区划、五级人大代表、承办单位、诉求分类、演示账号、近三个月的工单和码上找代表选民留言），"
        "只加载一次；随后打印演示账号。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="已加载时不再加载，只打印演示账号（make run 使用；不带此参数时行为相同）",
        )
        parser.add_argument(
            "--orders", type=int, default=DEFAULT_ORDERS, help=f"工单数量（默认 {DEFAULT_ORDERS}）"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="环境像是正式部署（本机以外的 ALLOWED_HOSTS，或已有用户账号）时仍然加载"
            "（演示账号的密码是公开的）",
        )

    def handle(self, *args, orders: int, seed: int, force: bool = False, **options):
        if orders < 0:
            raise CommandError("--orders 不能为负数。")
        signs = deployment_signs()
        if signs and not force:
            raise CommandError(refusal(signs))
        if demo_present():
            self.stdout.write("演示数据已加载（韶山市 430382 已存在），不再重复加载。")
        else:
            started = time.monotonic()
            loaded = load_demo(orders=orders, seed=seed)
            if loaded is None:  # another process loaded it meanwhile
                self.stdout.write("演示数据已由另一进程加载。")
            else:
                self._summary(loaded, time.monotonic() - started)
        self._logins()

    def _summary(self, loaded, seconds: float) -> None:
        statuses = loaded.orders.statuses
        self.stdout.write(
            self.style.SUCCESS(f"已加载韶山演示数据（{seconds:.1f} 秒）：")
            + f"\n  人大代表 {loaded.deputies} 人，现任代表资格 {loaded.mandates} 个"
            + f"\n  工单 {sum(statuses.values())} 件："
            + "、".join(f"{Status(s).label} {statuses[s]}" for s in Status.values if statuses[s])
            + f"\n  预警：黄色 {loaded.orders.warnings[Warning.YELLOW]} 件，"
            f"红色超期 {loaded.orders.warnings[Warning.RED]} 件"
            + f"\n  码上找代表选民留言 {loaded.messages} 条"
        )

    def _logins(self) -> None:
        rows = login_rows()
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        self.stdout.write("\n演示账号（密码相同）：")
        for role, username, password, does in rows:
            cells = [_pad(v, w) for v, w in zip((role, username, password), widths, strict=True)]
            self.stdout.write("  " + "  ".join(cells) + "  " + does)
        self.stdout.write("其他承办单位的承办人：handler_<单位代码>，如 handler_ga（公安局）。")
        self.stdout.write(f"\n后台入口（仅三类管理员）：{admin_url()}")
        self.stdout.write(
            "管理员首次登录须启用两步验证：用手机身份验证器扫描页面上的二维码，再输入 6 位验证码。"
        )


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns in a terminal."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
