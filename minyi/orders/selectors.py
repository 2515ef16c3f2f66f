"""Reads of orders. Role-based visibility (``orders_visible_to``) arrives with the workbenches."""

from __future__ import annotations

from minyi.orders.models import OrderEvent, WorkOrder


def order_timeline(order: WorkOrder):
    return (
        OrderEvent.objects.filter(order=order)
        .select_related("actor", "assignment__department")
        .order_by("at", "id")
    )


def orders_open_by_due():
    return WorkOrder.objects.open().filter(next_due__isnull=False).order_by("next_due", "id")
