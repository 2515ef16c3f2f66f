"""Message texts: which ``{placeholders}`` exist, and rendering that refuses unknown ones."""

from __future__ import annotations

import string

from minyi.core.errors import ValidationFailed
from minyi.core.sentences import glue

# Templates whose parameters hold a secret (an SMS code). The outbox row keeps it only until the
# provider has it or the row has failed for good (``services._secret_blanked``); the demo's
# terminal and a browser test's file may show it when told to (``backends``).
SECRET_PARAMS: dict[str, tuple[str, ...]] = {"mashang_sms_code": ("code",)}

# Every placeholder a template may use, with the sample value the admin preview shows.
SAMPLES: dict[str, str] = {
    "number": "12345-20260302-000123",
    "title": "小区门口占道经营",
    "reason": "不属于本热线受理范围",
    "basis": "《12345政务服务便民热线受理范围》第三条",
    "due": "3月9日 24:00",
    "department": "市城市管理和综合执法局",
    "level": "红牌",
    "solved": "已解决",
    "result": "已清理占道摊点，并安排城管队员每日巡查",
    # 码上找代表 reminders
    "received": "3月2日 10:00",
    "tracking_code": "ABCD234567",
    "days": "3",
    # 码上找代表
    "code": "123456",
    "minutes": "5",
    "deputy_name": "张三",
    "by": "银田镇人大代表联络站",
    # the monthly report
    "month": "2026年11月",
    "period": "2026-11",
    # 闭会期间代表建议
    "role": "主办",
    "evaluation": "满意",
    # 跟踪督办 and 并单告知
    "plan": "年底前完成管网改造",
    "plan_due": "12月31日",
    "progress": "承办单位办理中，答复时限12月9日",
    "master_number": "12345-20260301-000045",
}
PLACEHOLDER_NAMES = {
    "number": "工单编号",
    "title": "工单标题",
    "reason": "不予受理理由",
    "basis": "依据",
    "due": "时限",
    "department": "主办单位",
    "level": "督办级别",
    "solved": "解决情况",
    "result": "答复摘要（至多60字）",
    "received": "留言时间",
    "tracking_code": "留言查询码",
    "days": "工作日数",
    "code": "验证码",
    "minutes": "有效分钟数",
    "deputy_name": "留言所给的代表",
    "by": "答复的联络站或联络机构",
    "month": "报告月份（2026年11月）",
    "period": "报告月份（2026-11）",
    "role": "承办方式（主办、协办）",
    "evaluation": "代表评价",
    "plan": "下一步措施",
    "plan_due": "计划完成时间",
    "progress": "办理进展",
    "master_number": "并入的主工单编号",
}


def placeholders(body: str) -> list[str]:
    """The placeholder names in ``body``, in order of first use. Format specs, conversions and
    attribute access (``{a.b}``, ``{a!r}``) are refused: a text is data, not code."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(body))
    except ValueError as exc:
        raise ValidationFailed(f"模板格式有误（花括号不成对？）：{exc}") from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValidationFailed(f"占位符 {{{field}}} 写法有误，只能写成 {{名称}}。")
        if field not in names:
            names.append(field)
    return names


def check(body: str, allowed: set[str] | None = None) -> list[str]:
    """Raise ``ValidationFailed`` naming any placeholder not in ``allowed`` (default: all)."""
    allowed = set(SAMPLES) if allowed is None else allowed
    names = placeholders(body)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        known = "、".join(f"{{{n}}}" for n in sorted(allowed))
        raise ValidationFailed(
            f"未知的占位符：{'、'.join(f'{{{n}}}' for n in unknown)}。可用：{known}"
        )
    return names


def render(body: str, params: dict[str, str]) -> str:
    """The text of ``body`` with ``params``. A value that ends its sentence (a basis ending in
    "。") takes no second mark from the template after it (``core.sentences.glue``)."""
    check(body, set(params))
    pieces: list[tuple[str, bool]] = []
    for literal, field, _, _ in string.Formatter().parse(body):
        pieces.append((literal, False))
        if field is not None:
            pieces.append((params[field], True))
    return glue(pieces)
