"""What the console reads: the caller card, today's calls and orders, the operator's calls."""

from __future__ import annotations

from django.db.models import Q

from minyi.calls import selectors as calls
from minyi.calls.lookup import DeputyCard, deputy_for_caller
from minyi.calls.models import CallLog, CallStatus
from minyi.core.bounds import parse_id
from minyi.core.masking import mask_phone
from minyi.deputies.models import Deputy
from minyi.orders.models import WorkOrder
from minyi.reference.models import ScopeReason


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
    today, _ = calls.today_bounds()
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


def operator_call(user, call_id: str) -> CallLog | None:
    """A call this operator may take the number of: today's, and theirs — routed to them (any
    state: they answered it, or missed it and call back), or offered to every operator and
    still ringing or answered at an extension the PBX did not map to anyone."""
    if not call_id or len(call_id) > CallLog._meta.get_field("call_id").max_length:
        return None
    if "\x00" in call_id:  # PostgreSQL refuses NUL in text: no call has one
        return None
    start, end = calls.today_bounds()
    return (
        CallLog.objects.filter(call_id=call_id, started_at__gte=start, started_at__lt=end)
        .filter(
            Q(agent=user)
            | Q(agent__isnull=True, status__in=(CallStatus.RINGING, CallStatus.ANSWERED))
        )
        .select_related("deputy")
        .first()
    )


def deputy_of_form(form) -> Deputy | None:
    value = form["deputy"].value()
    if isinstance(value, Deputy):
        return value
    if parse_id(value) is not None:
        return Deputy.objects.filter(pk=parse_id(value)).first()
    return None


def deputy_recent_orders(deputy: Deputy | None):
    return calls.deputy_recent_orders(deputy) if deputy is not None else []


def scope_reasons():
    return ScopeReason.objects.filter(is_active=True)
