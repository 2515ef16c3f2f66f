"""What the console reads: the caller card, today's calls and orders, intake prefill."""

from __future__ import annotations

from minyi.calls import selectors as calls
from minyi.calls.lookup import DeputyCard, deputy_card, deputy_for_caller
from minyi.calls.models import CallLog
from minyi.calls.services import call_link_order
from minyi.core import clock
from minyi.core.bounds import parse_id
from minyi.core.masking import mask_phone
from minyi.deputies.models import Deputy
from minyi.orders.models import Channel, WorkOrder
from minyi.reference.models import ScopeReason
from minyi.workdays.calendar import SHANGHAI, day_start


def caller_card(phone: str) -> DeputyCard | None:
    return deputy_for_caller(phone) if phone else None


def _with_masked_callers(calls_list):
    for call in calls_list:
        call.caller_masked = (
            mask_phone(call.caller or call.caller_raw)
            if (call.caller or call.caller_raw)
            else "隐藏号码"
        )
    return calls_list


def console_context(user) -> dict:
    today = day_start(clock.now().astimezone(SHANGHAI).date())
    my_orders = (
        WorkOrder.objects.filter(created_by=user, created_at__gte=today)
        .select_related("request_type")
        .order_by("-created_at")[:20]
    )
    return {
        "calls": _with_masked_callers(list(calls.calls_today(user=user)[:30])),
        "missed": _with_masked_callers(list(calls.missed_deputy_calls_open()[:20])),
        "my_orders": my_orders,
    }


def intake_initial(params) -> dict:
    """Prefill from a ring (``call``), or from a lookup (``phone`` and ``deputy``)."""
    initial: dict = {"channel": Channel.CITIZEN_CALL}
    call = CallLog.objects.filter(call_id=params.get("call", "")).select_related("deputy").first()
    phone = params.get("phone", "")
    deputy = None
    if call is not None:
        initial["call_id"] = call.call_id
        phone = call.caller or call.caller_raw
        deputy = call.deputy
    elif parse_id(params.get("deputy")) is not None:
        deputy = Deputy.objects.filter(pk=parse_id(params["deputy"]), is_active=True).first()
    if deputy is not None and deputy_card(deputy.pk) is not None:
        initial.update(channel=Channel.DEPUTY_CALL, deputy=deputy.pk, requester_name=deputy.name)
    initial["requester_phone"] = phone
    return initial


def deputy_of_form(form) -> Deputy | None:
    value = form["deputy"].value()
    if isinstance(value, Deputy):
        return value
    if parse_id(value) is not None:
        return Deputy.objects.filter(pk=parse_id(value)).first()
    return None


def deputy_recent_orders(deputy: Deputy | None):
    return calls.deputy_recent_orders(deputy) if deputy is not None else []


def link_call(*, call_id: str, order: WorkOrder, actor) -> None:
    call = CallLog.objects.filter(call_id=call_id).first()
    if call is not None and call.order_id is None:
        call_link_order(call=call, order=order, actor=actor)


def scope_reasons():
    return ScopeReason.objects.filter(is_active=True)
