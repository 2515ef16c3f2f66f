"""The console's 保存 with the duplicate check's decision (the panel's buttons):

- 并入此单 (``dup_merge`` = the master's number): the call is recorded and merged into the master
  at once (``order_merge``): never accepted on its own, never dispatched, the caller told the
  master's progress by SMS;
- 按重复诉求不予受理: the form's own 不予受理 with the reason ``duplicate`` and a basis naming
  the master (the panel fills them in); saved as any refusal;
- otherwise (作为新诉求, ``dup_new`` = 1 when the operator said so): recorded as decided, and the
  candidates the search still finds are written on the order's event data.
All in the one transaction of the console's intake.
"""

from __future__ import annotations

from django.db import transaction

from minyi.console.services import call_link_own, intake_record, order_fields
from minyi.core.errors import ValidationFailed
from minyi.intake.selectors import Typed, candidate_master, candidates_for
from minyi.intake.services import duplicate_merge, duplicates_dismiss, order_index
from minyi.orders.models import Status
from minyi.orders.services.intake import order_create
from minyi.workbench import permissions


def typed_from(data: dict, *, exclude: int | None = None) -> Typed:
    request_type = data.get("request_type")
    return Typed(
        text=f"{data.get('title') or ''}\n{data.get('content') or ''}".strip(),
        phone=data.get("requester_phone") or "",
        address=data.get("address") or "",
        exclude=exclude,
        protect_identity=bool(request_type.is_report) if request_type is not None else None,
    )


def _create_draft(user, data: dict):
    return order_create(actor=user, **order_fields(data))


@transaction.atomic
def intake_record_checked(*, user, data: dict, merge_into: str = "", explicit_new: bool = False):
    typed = typed_from(data)
    if merge_into:
        master = candidate_master(user, merge_into, typed)
        if master is None:
            raise ValidationFailed(f"主工单 {merge_into[:32]} 不存在，或不能作为本诉求的主工单。")
        order = _create_draft(user, data)
        if not permissions.allowed("merge", user, permissions.order_context(user, order)):
            raise ValidationFailed("您无权合并工单。")
        call_link_own(user=user, data=data, order=order)
        return duplicate_merge(order=order, master=master, actor=user)
    order = intake_record(user=user, data=data)
    if order.status != Status.REJECTED:
        shown = candidates_for(user, typed_from(data, exclude=order.pk))
        duplicates_dismiss(order=order, candidates=shown, actor=user, explicit=explicit_new)
    order_index(order=order)
    return order
