"""Writes of the duplicate check: the index (one key row and one batch of term rows per order),
its catch-up, the operator's decision on the candidates (并入此单 / 作为新诉求), and the access-log
row of a look-up by the caller's number."""

from __future__ import annotations

from django.db import transaction

from minyi.core.masking import mask_phone
from minyi.intake.keys import place_key, term_hashes
from minyi.intake.models import IntakeCursor, IntakeKey, IntakeTerm
from minyi.orders.models import EventKind, WorkOrder
from minyi.orders.services.closing import order_merge
from minyi.orders.services.common import record_event
from minyi.privacy import rules
from minyi.privacy.models import PersonalDataAccess, Surface
from minyi.privacy.services import RevealRefused, personal_data_seen

CATCH_UP_BATCH = 5000


def _rows(order: WorkOrder) -> tuple[IntakeKey, list[IntakeTerm]]:
    key = IntakeKey(
        order_id=order.pk,
        created_at=order.created_at,
        phone=(order.requester_phone or "")[:32],
        place=place_key(order.address),
    )
    text = f"{order.title}\n{order.content}"
    terms = [
        IntakeTerm(term=h, order_id=order.pk, created_at=order.created_at)
        for h in term_hashes(text)
    ]
    return key, terms


@transaction.atomic
def order_index(*, order: WorkOrder) -> None:
    """Index one order (a no-op when it already is): one insert of its key, one of its terms."""
    if IntakeKey.objects.filter(order_id=order.pk).exists():
        return
    key, terms = _rows(order)
    IntakeKey.objects.create(**{f.attname: getattr(key, f.attname) for f in key._meta.fields})
    IntakeTerm.objects.bulk_create(terms)


@transaction.atomic
def intake_catch_up(*, limit: int = CATCH_UP_BATCH) -> int:
    """Index the orders created since the last run (by any channel), ``limit`` at a time; the
    cursor row is locked so two runs never index the same orders. Returns how many orders the
    cursor passed (0: it is at the newest order), counting those the console had indexed at save."""
    IntakeCursor.objects.get_or_create(pk=1)
    cursor = IntakeCursor.objects.select_for_update().get(pk=1)
    orders = list(
        WorkOrder.objects.filter(pk__gt=cursor.last_order_id)
        .order_by("pk")
        .only("pk", "created_at", "requester_phone", "address", "title", "content")[:limit]
    )
    if not orders:
        return 0
    done = set(
        IntakeKey.objects.filter(order_id__in=[o.pk for o in orders]).values_list(
            "order_id", flat=True
        )
    )
    keys, terms = [], []
    for order in orders:
        if order.pk in done:
            continue
        key, rows = _rows(order)
        keys.append(key)
        terms.extend(rows)
    IntakeKey.objects.bulk_create(keys, batch_size=2000)
    IntakeTerm.objects.bulk_create(terms, batch_size=5000)
    cursor.last_order_id = orders[-1].pk
    cursor.save(update_fields=["last_order_id"])
    return len(orders)


def merge_note(master: WorkOrder) -> str:
    return f"来电与工单 {master.number} 为同一诉求，并入主工单办理，不再重复派单。"


@transaction.atomic
def duplicate_merge(*, order: WorkOrder, master: WorkOrder, actor, note: str = "") -> WorkOrder:
    """并入此单: the new matter closes into ``master`` (``order_merge``: the caller is told the
    master's progress by SMS, nothing is dispatched twice)."""
    order = order_merge(order=order, master=master, note=note or merge_note(master), actor=actor)
    order_index(order=order)
    return order


@transaction.atomic
def duplicates_dismiss(*, order: WorkOrder, candidates: list, actor, explicit: bool) -> None:
    """作为新诉求: the candidates shown and set aside are written on the order's event data (which
    orders, each with its reason), so the decision is audited; nothing when none was shown."""
    if not candidates:
        return
    who = "话务员确认" if explicit else "未并单，"
    record_event(
        order,
        EventKind.DUPLICATES_DISMISSED,
        actor=actor,
        from_status=order.status,
        to_status=order.status,
        note=f"{who}作为新诉求受理（疑似重复工单 {len(candidates)} 件已核查）。",
        dismissed=[c.order.number for c in candidates],
        dismissed_reasons={c.order.number: c.reason for c in candidates},
    )


@transaction.atomic
def intake_phone_checked(*, user, phone_e164: str, ip: str | None = None) -> PersonalDataAccess:
    """The duplicate panel's look-up by the caller's number: refused unless the rule lets the
    user search by phone, then logged like 按电话查询工单 (the number masked in the subject)."""
    if not rules.may_search_by_phone(user):
        raise RevealRefused("您的角色不能按电话查询工单。")
    return personal_data_seen(
        user=user,
        subject=f"重复诉求核查（来电号码）：{mask_phone(phone_e164)}",
        fields="联系电话",
        surface=Surface.CONSOLE,
        ip=ip,
    )
