"""The only way to a full view of a person: check the rule, log the view, return it."""

from __future__ import annotations

from django.db import transaction

from minyi.core import clock
from minyi.core.errors import DomainError
from minyi.core.masking import mask_phone
from minyi.privacy import rules
from minyi.privacy.models import PersonalDataAccess, Surface


class RevealRefused(DomainError):
    code = "forbidden"


def _shown_fields(order) -> str:
    shown = [
        label
        for label, value in (
            ("诉求人姓名", order.requester_name),
            ("联系电话", order.requester_phone),
        )
        if value
    ]
    return "、".join(shown) or "（无）"


@transaction.atomic
def requester_reveal(
    *, user, order, surface: str = Surface.WORKBENCH, ip: str | None = None
) -> rules.Person:
    """查看完整信息: refuse unless the rule allows it, write the access-log row, return the
    full view. The row and the view are one step: there is no full view without the row."""
    if not rules.may_reveal(user, order):
        raise RevealRefused("您不能查看该诉求人的完整信息。")
    PersonalDataAccess.objects.create(
        user=user, order=order, fields=_shown_fields(order), surface=surface, at=clock.now(), ip=ip
    )
    return rules.requester_full(order)


def phone_searched(*, user, phone_e164: str, ip: str | None = None) -> PersonalDataAccess:
    """按电话查询工单: refuse unless the rule allows it, then log it like a full view (the
    number masked in the subject: the log says whose calls were looked for, not the number)."""
    if not rules.may_search_by_phone(user):
        raise RevealRefused("您的角色不能按电话查询工单。")
    return personal_data_seen(
        user=user,
        subject=f"按电话查询工单：{mask_phone(phone_e164)}",
        fields="联系电话",
        surface=Surface.WORKBENCH,
        ip=ip,
    )


@transaction.atomic
def personal_data_seen(
    *, user, subject: str, fields: str, surface: str, order=None, ip: str | None = None
) -> PersonalDataAccess:
    """Log a full view that is not an order's requester (a ringing caller's number, say)."""
    return PersonalDataAccess.objects.create(
        user=user,
        order=order,
        subject=subject[:100],
        fields=fields[:100],
        surface=surface,
        at=clock.now(),
        ip=ip,
    )
