"""Deputy activity (代表履职, issue 11): per deputy, for the liaison committee's records.

For a period (orders by registration, messages by when they were left):

- 来电 ``calls``: the deputy's orders by 代表来电; 工单 ``orders``: all their orders of the
  selected channels (by default 代表来电 and 码上找代表);
- 收到留言 ``received``: 码上找代表 messages left for the deputy (those marked 恶意留言 left out,
  as on the 码上找代表 figures page); 转12345 ``forwarded``: of those, sent on to the hotline as an
  order; 已答复 ``answered``: of those, answered;
- the outcomes of their orders: 办结 ``closed``, 满意 ``satisfied``, 已解决 ``solved``.

Deputies are public officials: the liaison officer reads their names. An order whose deputy the
privacy rule withholds from the viewer (an anonymous order, a whistle-blower's, by
``identity_visible_q``) is not counted under the deputy at all, so the per-deputy figures never
confirm who made it. A deputy's level is their highest active mandate's, as on the ledger row.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from minyi.core import clock
from minyi.deputies.models import LEVEL_RANK, Deputy, Level
from minyi.ledger import stats
from minyi.ledger.facts import deputy_levels
from minyi.mashang.models import Message
from minyi.orders.models import Channel
from minyi.privacy.rules import identity_visible_q

ORDER_COUNTS = ("calls", "orders", "closed", "satisfied", "solved")
MESSAGE_COUNTS = ("received", "forwarded", "answered")
COLUMNS = {
    "calls": "来电",
    "received": "收到留言",
    "forwarded": "转12345",
    "answered": "已答复",
    "orders": "工单",
    "closed": "办结",
    "satisfied": "满意",
    "solved": "已解决",
}
SORTS = ("name", "level", *COLUMNS)
LEVEL_LABELS = dict(Level.choices)


def _order_counts(now: datetime) -> dict[str, Count]:
    f = stats.count_filters(now)
    return {
        "calls": Count("pk", filter=Q(channel=Channel.DEPUTY_CALL)),
        "orders": Count("pk"),
        "closed": Count("pk", filter=f["closed"]),
        "satisfied": Count("pk", filter=f["satisfied"]),
        "solved": Count("pk", filter=f["solved"]),
    }


def highest_levels() -> dict[int, str]:
    """Each deputy's highest active mandate level, as the ledger rows read it."""
    return {pk: levels[0] for pk, levels in deputy_levels(None).items()}


def activity(
    selection: stats.Selection, *, user, sort: str = "calls", now: datetime | None = None
) -> list[dict]:
    """One row per deputy with an order or a message in the period (level: the highest)."""
    rows = (
        stats.rows_selected(
            stats.Selection(period=selection.period, channel=selection.channel), user
        )
        .filter(deputy__isnull=False)
        .filter(stats.order_q(identity_visible_q(user)))
    )
    grouped_orders = (
        rows.order_by().values("deputy_id").annotate(**_order_counts(now or clock.now()))
    )
    messages = Message.objects.filter(flagged=False)
    if selection.period is not None:
        messages = messages.filter(
            created_at__gte=selection.period.since, created_at__lt=selection.period.until
        )
    grouped_messages = (
        messages.order_by()
        .values("deputy_id")
        .annotate(
            received=Count("pk"),
            # only the forwarded orders the viewer may tie to the deputy (as the orders column):
            # otherwise 转12345 minus the visible orders would count the withheld ones
            forwarded=Count(
                "pk",
                filter=Q(order__isnull=False) & stats.order_q(identity_visible_q(user)),
            ),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
    )
    table: dict[int, dict] = {}
    for group in (*grouped_orders, *grouped_messages):
        deputy = group.pop("deputy_id")
        table.setdefault(deputy, dict.fromkeys(COLUMNS, 0)).update(group)
    levels = highest_levels()
    if selection.level:
        table = {pk: c for pk, c in table.items() if levels.get(pk) == selection.level}
    names = dict(Deputy.objects.filter(pk__in=list(table)).values_list("pk", "name"))
    out = [
        {
            "deputy": pk,
            "name": names.get(pk, ""),
            "level": levels.get(pk, ""),
            "level_label": LEVEL_LABELS.get(levels.get(pk, ""), "—"),
            "counts": counts,
        }
        for pk, counts in table.items()
    ]
    return sorted_rows(out, sort)


def sorted_rows(rows: list[dict], sort: str) -> list[dict]:
    reverse = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, reverse = "calls", False
    rows = sorted(rows, key=lambda r: r["name"])
    if key == "name":
        return sorted(rows, key=lambda r: r["name"], reverse=reverse)
    if key == "level":
        return sorted(rows, key=lambda r: LEVEL_RANK.get(r["level"], 99), reverse=reverse)
    return sorted(rows, key=lambda r: r["counts"][key], reverse=not reverse)
