"""Reads for the operator console: today's calls, the callback to-dos, a deputy's orders."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from minyi.calls.models import CallLog
from minyi.core import clock
from minyi.orders.models import WorkOrder
from minyi.workdays.calendar import SHANGHAI, day_start


def today_bounds() -> tuple[datetime, datetime]:
    """Start and end of today in the business time zone (Asia/Shanghai, TIME_ZONE)."""
    start = day_start(clock.now().astimezone(SHANGHAI).date())
    return start, start + timedelta(days=1)


def calls_today(user=None) -> QuerySet[CallLog]:
    """Today's calls, newest first. For an operator (``user``): the calls routed to them, and
    the calls the PBX offered to every operator (no agent known)."""
    start, end = today_bounds()
    calls = CallLog.objects.filter(started_at__gte=start, started_at__lt=end)
    if user is not None:
        calls = calls.filter(Q(agent=user) | Q(agent__isnull=True))
    return calls.select_related("deputy", "agent", "order").order_by("-started_at", "-id")


def missed_deputy_calls_open() -> QuerySet[CallLog]:
    """Missed calls from deputies that still need a callback, newest first."""
    return (
        CallLog.objects.missed_deputy_open()
        .select_related("deputy", "agent")
        .order_by("-started_at", "-id")
    )


def deputy_recent_orders(deputy, limit: int = 10) -> list[WorkOrder]:
    """The deputy's latest work orders, shown beside the intake form."""
    return list(
        WorkOrder.objects.filter(deputy=deputy)
        .select_related("request_type")
        .order_by("-created_at", "-id")[:limit]
    )
