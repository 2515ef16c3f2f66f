"""Helpers shared by the order-detail tests (test_detail_*.py, test_permission_matrix.py)."""

from __future__ import annotations

from minyi.accounts.models import Role
from minyi.orders.models import OrderEvent, WorkOrder
from tests.factories import UserFactory


def detail_url(order: WorkOrder, action: str = "") -> str:
    return f"/work/orders/{order.number}/" + (f"{action}/" if action else "")


def deputy_user(deputy):
    """Zora, the deputy 张三's own account (人大代表): sees only the orders she raised."""
    return UserFactory(
        username="zora", last_name="张", first_name="三", role=Role.DEPUTY, deputy=deputy
    )


def snapshot(order: WorkOrder) -> tuple[str, int]:
    """What a refusal must leave unchanged: the status and the length of the ledger."""
    fresh = WorkOrder.objects.get(pk=order.pk)
    return fresh.status, OrderEvent.objects.filter(order=fresh).count()
