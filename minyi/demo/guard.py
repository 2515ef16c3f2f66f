"""The demo is for this machine only: it creates every role's account, the three
administrators included, with one password printed in the README. ``manage.py demo`` refuses a
database that looks like a deployment unless ``--force`` says so on purpose."""

from __future__ import annotations

from django.conf import settings

# what `make run` and the test suite serve: this machine's own names
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1", "testserver"})


def deployment_signs() -> list[str]:
    """Why this looks like a deployment rather than a laptop (empty: it does not)."""
    from minyi.accounts.models import User
    from minyi.demo.loader import demo_present

    signs = []
    public = [host for host in settings.ALLOWED_HOSTS if host.lower() not in LOCAL_HOSTS]
    if public:
        signs.append(f"ALLOWED_HOSTS 含有本机以外的地址：{'、'.join(public)}")
    if not demo_present():
        accounts = User.objects.count()
        if accounts:
            signs.append(f"数据库中已有 {accounts} 个用户账号，却没有演示数据")
    return signs


def refusal(signs: list[str]) -> str:
    return (
        "拒绝加载演示数据：当前环境像是正式部署（"
        + "；".join(signs)
        + "）。演示数据会创建三类管理员在内的全部角色账号，密码是 README 中公开的密码。"
        "演示请在本机用 make run；确需在此环境加载（如演示服务器），请加 --force。"
    )
