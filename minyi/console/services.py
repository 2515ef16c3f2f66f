"""Intake from a call, what the intake form may be prefilled with, and the access-log row for
each full view.

``intake_record`` saves the form: the order, decided (受理 or 不予受理), and the link to the
operator's own call, in one transaction (``orders.services.intake.order_intake``).

Every prefill of a full number from a call, and every showing of a deputy's recent orders, is
one ``PersonalDataAccess`` row (surface ``console``) written by ``personal_data_seen`` before
the page shows it. A call prefills only when it is the operator's own and today's
(``selectors.operator_call``); a deputy's orders are shown only with the proof that the
operator's own ring or look-up identified that deputy (``identified``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from minyi.calls.lookup import deputy_card
from minyi.calls.services import call_link_order
from minyi.console import selectors
from minyi.console.identified import identified_deputy_id, identified_token
from minyi.core.errors import DomainError
from minyi.deputies.models import Deputy
from minyi.hints.models import HintKind
from minyi.hints.services import outcome_record
from minyi.orders.models import Channel, WorkOrder
from minyi.orders.services.intake import order_intake
from minyi.privacy.models import Surface
from minyi.privacy.services import personal_data_seen

RECENT_ORDERS = "代表近期工单"


class PrefillRefused(DomainError):
    code = "forbidden"


@dataclass
class Prefill:
    """The intake form's initial values, and the deputy with their recent orders beside it."""

    initial: dict = field(default_factory=lambda: {"channel": Channel.CITIZEN_CALL})
    deputy: Deputy | None = None
    recent: list[WorkOrder] = field(default_factory=list)


def _with_deputy(prefill: Prefill, user, deputy: Deputy | None) -> Prefill:
    """A deputy who still holds a seat turns the form into a deputy call, with the proof of
    identification in the form so a re-shown form keeps their orders beside it."""
    if deputy is None or not deputy.is_active or deputy_card(deputy.pk) is None:
        return prefill
    prefill.initial.update(
        channel=Channel.DEPUTY_CALL,
        deputy=deputy.pk,
        requester_name=deputy.name,
        identified=identified_token(user, deputy.pk),
    )
    prefill.deputy = deputy
    prefill.recent = selectors.deputy_recent_orders(deputy)
    return prefill


def order_fields(data: dict) -> dict:
    """The order's fields from the intake form's cleaned data (a deputy only on a deputy's call);
    the one mapping the console's save and the duplicate panel's merge share."""
    deputy_call = data["channel"] == Channel.DEPUTY_CALL
    return {
        "channel": data["channel"],
        "request_type": data["request_type"],
        "title": data["title"],
        "content": data["content"],
        "requester_name": data["requester_name"],
        "requester_phone": data["requester_phone"],
        "is_anonymous": data["is_anonymous"],
        "deputy": data["deputy"] if deputy_call else None,
        "urgency": data["urgency"],
        "complexity": data["complexity"],
        "category": data["category"],
        "region": data["region"],
        "address": data["address"],
    }


@transaction.atomic
def intake_record(*, user, data: dict) -> WorkOrder:
    """The intake form's order, decided at once, and the operator's own call of today (the one
    the form was prefilled from) linked to it — all or nothing."""
    order = order_intake(
        decision=data["decision"],
        reason=data["reason"],
        basis=data["basis"],
        actor=user,
        **order_fields(data),
    )
    if data["category"] is not None:  # the category hint's outcome (one insert)
        outcome_record(
            order=order, kind=HintKind.CATEGORY, chosen_id=data["category"].pk, actor=user
        )
    call_link_own(user=user, data=data, order=order)
    return order


def call_link_own(*, user, data: dict, order: WorkOrder) -> None:
    """The operator's own call of today that the form was prefilled from, linked to the order."""
    call = selectors.operator_call(user, data.get("call_id") or "")
    if call is not None and call.order_id is None:
        call_link_order(call=call, order=order, actor=user)


@transaction.atomic
def intake_prefill_from_call(*, user, call_id: str, ip: str | None = None) -> Prefill:
    """F2 on a ring: the caller's full number (and the deputy, if one is calling), from a call
    that is this operator's own and today's; the view of it is logged."""
    call = selectors.operator_call(user, call_id)
    if call is None:
        raise PrefillRefused("该来电不是您今天接听或正在振铃的来电，不能带出来电号码。")
    prefill = Prefill()
    prefill.initial.update(call_id=call.call_id, requester_phone=call.caller or call.caller_raw)
    _with_deputy(prefill, user, call.deputy)
    seen = [
        label
        for label, shown in (("来电号码", call.caller), (RECENT_ORDERS, prefill.deputy))
        if shown
    ]
    if seen:
        personal_data_seen(
            user=user,
            subject=f"来电 {call.call_id}",
            fields="、".join(seen),
            surface=Surface.CONSOLE,
            ip=ip,
        )
    return prefill


@transaction.atomic
def intake_prefill_from_lookup(*, user, phone: str, ip: str | None = None) -> Prefill:
    """登记工单 after 号码查询: the number the operator typed, and the deputy behind it with
    their recent orders (that showing is logged; the number is the operator's own input)."""
    prefill = Prefill()
    prefill.initial["requester_phone"] = phone
    card = selectors.caller_card(phone)
    deputy = Deputy.objects.filter(pk=card.id).first() if card else None
    _with_deputy(prefill, user, deputy)
    if prefill.deputy is not None:
        _log_recent_orders(user, prefill.deputy, ip)
    return prefill


@transaction.atomic
def intake_recent_orders(
    *, user, deputy: Deputy | None, token: str, ip: str | None = None
) -> list[WorkOrder] | None:
    """The deputy's recent orders beside a re-shown form: only for the deputy ``token`` proves
    was identified for this operator (None otherwise); the showing is logged."""
    if deputy is None or identified_deputy_id(user, token) != deputy.pk:
        return None
    _log_recent_orders(user, deputy, ip)
    return selectors.deputy_recent_orders(deputy)


@transaction.atomic
def deputy_order_open(*, user, number: str, token: str, ip: str | None = None) -> WorkOrder:
    """One of the deputy's recent orders, opened from beside the intake form: only an order of
    the deputy ``token`` proves was identified for this operator (so no number can be guessed
    into view); the opening is logged like the list."""
    deputy_id = identified_deputy_id(user, token)
    order = (
        WorkOrder.objects.select_related(
            "request_type", "deputy", "category", "region", "reject_reason", "master"
        )
        .filter(number=number[:40], deputy_id=deputy_id)
        .first()
        if deputy_id is not None
        else None
    )
    if order is None:
        raise PrefillRefused("只能查看本次来电已识别代表的工单。")
    personal_data_seen(
        user=user,
        subject=f"工单 {order.number}",
        fields=RECENT_ORDERS,
        surface=Surface.CONSOLE,
        ip=ip,
    )
    return order


def _log_recent_orders(user, deputy: Deputy, ip: str | None) -> None:
    personal_data_seen(
        user=user,
        subject=f"代表 {deputy.name}（#{deputy.pk}）",
        fields=RECENT_ORDERS,
        surface=Surface.CONSOLE,
        ip=ip,
    )
