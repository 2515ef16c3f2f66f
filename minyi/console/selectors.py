"""What the console reads: the caller card, today's calls and orders, the operator's calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from minyi.calls import selectors as calls
from minyi.calls.lookup import DeputyCard, deputy_card, deputy_for_caller
from minyi.calls.models import CallLog, CallStatus
from minyi.core import clock
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


# A call the operator has hung up on still waits for its intake this long (then it is history).
ENDED_CALL_STAYS = timedelta(minutes=10)


@dataclass
class CurrentCall:
    """The call on the operator's screen: its banner survives a reload."""

    call: CallLog
    card: DeputyCard | None
    caller_masked: str


def current_call(user) -> CurrentCall | None:
    """The call a reload must not lose: today's newest call not yet recorded as an order that
    is this operator's — ringing, answered, or hung up in the last ``ENDED_CALL_STAYS`` — or
    one still ringing for every operator (no agent known). The same banner the ring showed."""
    start, end = calls.today_bounds()
    recently = clock.now() - ENDED_CALL_STAYS
    mine = Q(agent=user) & (
        Q(status__in=(CallStatus.RINGING, CallStatus.ANSWERED))
        | Q(status=CallStatus.ENDED, ended_at__gte=recently)
    )
    offered = Q(agent__isnull=True, status=CallStatus.RINGING)
    call = (
        CallLog.objects.filter(started_at__gte=start, started_at__lt=end, order__isnull=True)
        .filter(mine | offered)
        .select_related("deputy")
        .order_by("-started_at", "-id")
        .first()
    )
    if call is None:
        return None
    card = deputy_card(call.deputy_id) if call.deputy_id else None
    [masked] = _with_masked_callers([call])
    return CurrentCall(call, card, masked.caller_masked)


def today_context(user) -> dict:
    """Today's calls and the operator's orders of today (the console's live lists)."""
    today, _ = calls.today_bounds()
    my_orders = (
        WorkOrder.objects.filter(created_by=user, created_at__gte=today)
        .select_related("request_type")
        .order_by("-created_at")[:20]
    )
    return {
        "calls": _with_masked_callers(list(calls.calls_today(user=user)[:30])),
        "my_orders": my_orders,
    }


def console_context(user) -> dict:
    return {
        **today_context(user),
        "current": current_call(user),
        "missed": _with_masked_callers(list(calls.missed_deputy_calls_open()[:20])),
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
