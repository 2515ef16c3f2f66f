"""Admin pages that are not a model's."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from minyi.accounts import duties


def _policy_rows() -> list[tuple[str, str]]:
    policy = settings.MINYI_ACCOUNTS
    lockout = policy["LOCKOUT"]
    ip_rule = (
        f"同一 IP 地址连续失败 {lockout['IP_FAILURES']} 次"
        if lockout["IP_FAILURES"]
        else "不按 IP 地址单独锁定（呼叫中心多人共用一个出口地址）"
    )
    scope = {
        "admins": "三类管理员必须启用",
        "staff": "除人大代表外的所有工作人员必须启用",
        "off": "不强制（已启用者仍须验证）",
    }[policy["TWO_FACTOR_REQUIRED"]]
    return [
        ("密码最短长度", f"{policy['PASSWORD_MIN_LENGTH']} 个字符"),
        ("密码字符种类", "大写字母、小写字母、数字、符号中至少 3 种"),
        ("密码其他要求", "不得与用户名、姓名相近；不得为常见密码"),
        ("不得重复使用", f"最近 {policy['PASSWORD_HISTORY']} 个密码"),
        (
            "登录锁定",
            f"同一用户名在同一 IP 地址连续失败 {lockout['USER_IP_FAILURES']} 次，"
            f"或同一用户名在任意地址累计失败 {lockout['USER_FAILURES']} 次；{ip_rule}",
        ),
        ("锁定时长", f"{lockout['COOLOFF_MINUTES']} 分钟（安全管理员可提前解除）"),
        ("两步验证（TOTP）", scope),
        ("空闲超时", f"{policy['IDLE_MINUTES']} 分钟无操作自动退出"),
        ("会话最长", f"{policy['SESSION_MAX_HOURS']} 小时后须重新登录"),
    ]


def security_policy(site):
    def view(request):
        if not duties.may_open_page(request.user, "security_policy"):
            raise PermissionDenied
        context = {
            **site.each_context(request),
            "title": "安全策略",
            "rows": _policy_rows(),
        }
        return TemplateResponse(request, "admin/minyi/security_policy.html", context)

    return view
