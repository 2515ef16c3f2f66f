"""Department grading (绩效考核, issue 11): per department, what its parts of the orders did.

Which parts: the ``Assignment`` rows dispatched in the period (``dispatched_at``), lead (主办)
and assisting (协办), of orders in the evaluation pool of the selected channels (their
``LedgerRow``: neither rejected, merged nor a draft; the deputy channels by default). Three
grouped queries: the parts per department, their return requests' rulings, and the outcomes of
the orders each department leads (the ledger rows registered in the period, by their lead
department: after an accepted return the order is the new lead's).

| figure | numerator | denominator |
| --- | --- | --- |
| 按时签收率 | parts signed by their sign-for limit (``signed_at <= sign_due``, as the SIGNED event's ``on_time``) | parts signed, or unsigned and past the limit |
| 退件率 (lower is better) | parts with a return accepted (同意退件) | parts dispatched |
| 按时办结率 | parts replied by their limit, an approved extension's new limit included | parts replied, or live and past the limit |
| 满意率 | 满意 + k·基本满意 of the orders it leads (主办: the ledger row's lead department), registered in the period | those orders rated |
| 解决率 | those orders confirmed solved | those orders rated |
| 重办率 (lower is better) | those orders sent back for redo at least once | those orders replied |

Returns requested and ruled are counted too (同意 and 驳回, one per ReturnRequest).

The composite score (综合得分, 0–100) is the weighted mean, with the administrator's weights
(``StatisticsPolicy``), of each rate's *conservative* end of its 95% Wilson interval: the lower
bound for a rate where higher is better, one minus the upper bound where lower is better. Rates
below the minimum sample are left out (the other weights carry the score); a department with
fewer parts dispatched than the minimum sample gets no score ("样本不足") and is listed last.
So a department with one fast order (interval 21%–100%) cannot top one with 95 of 100 on time
(interval 89%–98%): FixMyStreet #1957, WriteToThem #274.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q

from minyi.core import clock
from minyi.ledger import stats
from minyi.orders.models import (
    ASSIGNMENT_ACTIVE,
    Assignment,
    ReturnRequest,
)
from minyi.reference.models import Department


@dataclass(frozen=True)
class Graded:
    key: str
    label: str
    numerator: str
    denominator: str
    weight: str  # the StatisticsPolicy field
    higher_is_better: bool
    figure: str  # the ledger's figure= for the click-through (the rate's orders)


GRADED = (
    Graded("sign", "按时签收率", "signed_on_time", "sign_due", "weight_sign", True, "sign_due"),
    Graded("return", "退件率", "returned", "dispatched", "weight_return", False, "returned"),
    Graded(
        "reply", "按时办结率", "replied_on_time", "reply_due", "weight_reply", True, "reply_due"
    ),
    Graded(
        "satisfaction",
        "满意率",
        "satisfied_weighted",
        "rated",
        "weight_satisfaction",
        True,
        "rated",
    ),
    Graded("resolution", "解决率", "solved", "rated", "weight_resolution", True, "rated"),
    Graded("redo", "重办率", "redone", "replied", "weight_redo", False, "redone"),
)
GRADED_KEYS = {g.key: g for g in GRADED}
COUNT_COLUMNS = ("dispatched", "returns_accepted", "returns_refused")
SORTS = ("score", "name", *COUNT_COLUMNS, *GRADED_KEYS)


def _part_counts(now: datetime) -> dict[str, Count]:
    """Per department, of its parts (no join multiplies a part: the returns are an EXISTS)."""
    accepted = ReturnRequest.objects.filter(
        assignment_id=OuterRef("pk"), ruling=ReturnRequest.Ruling.ACCEPTED
    )
    conditions = {
        "dispatched": None,
        "sign_due": Q(signed_at__isnull=False)
        | Q(signed_at__isnull=True, sign_due__lt=now, status__in=ASSIGNMENT_ACTIVE),
        "signed_on_time": Q(signed_at__isnull=False)
        & (Q(sign_due__isnull=True) | Q(signed_at__lte=F("sign_due"))),
        "returned": Q(Exists(accepted)),
        "reply_due": Q(replied_at__isnull=False)
        | Q(replied_at__isnull=True, reply_due__lt=now, status__in=ASSIGNMENT_ACTIVE),
        "replied_on_time": Q(replied_at__isnull=False)
        & (Q(reply_due__isnull=True) | Q(replied_at__lte=F("reply_due"))),
    }
    return {
        stats.PREFIX + key: Count("pk", filter=condition) for key, condition in conditions.items()
    }


# the outcomes of the orders a department led, read from their ledger rows
LED_COUNTS = ("replied", "redone", "rated", "satisfied", "basically", "solved")


def _pool(selection: stats.Selection, user):
    narrowed = replace(selection, department=None)
    return stats.rows_selected(narrowed, user).filter(stats.POOL)


def parts_selected(selection: stats.Selection, user):
    """The departments' parts counted for ``selection`` (its period: when they were dispatched;
    an order is dispatched after it is registered, so its ledger row is one registered before
    the period's end)."""
    rows = _pool(replace(selection, period=None, month=None), user)
    if selection.period is None:
        return Assignment.objects.filter(order_id__in=rows.values("order_id"))
    rows = rows.filter(created_at__lt=selection.period.until)
    return Assignment.objects.filter(
        order_id__in=rows.values("order_id"),
        dispatched_at__gte=selection.period.since,
        dispatched_at__lt=selection.period.until,
    )


def rates_of(counts: dict, policy: stats.Policy) -> dict[str, dict]:
    k = float(policy.basically_weight)
    counts = {**counts, "satisfied_weighted": counts["satisfied"] + k * counts["basically"]}
    out = {}
    for g in GRADED:
        n, hits = counts[g.denominator], counts[g.numerator]
        enough = n >= max(1, policy.minimum_sample)
        interval = stats.wilson(hits, n) if enough else None
        if interval is None:
            bound = None
        elif g.higher_is_better:
            bound = interval[0]
        else:
            bound = 1 - interval[1]
        out[g.key] = {
            "value": hits / n if enough else None,
            "n": n,
            "numerator": hits,
            "interval": interval,
            "bound": bound,  # the conservative end, "higher is better" for every rate
        }
    return out


def score_of(dispatched: int, rates: dict, weights: dict[str, int], minimum: int) -> float | None:
    if dispatched < max(1, minimum):
        return None
    total = weighted = 0.0
    for g in GRADED:
        weight, bound = weights.get(g.key, 0), rates[g.key]["bound"]
        if weight and bound is not None:
            total += weight
            weighted += weight * bound
    return round(100 * weighted / total, 1) if total else None


def weights_of() -> dict[str, int]:
    row = stats.StatisticsPolicy.objects.order_by("pk").first() or stats.StatisticsPolicy()
    return {g.key: getattr(row, g.weight) for g in GRADED}


def grading(
    selection: stats.Selection,
    *,
    user,
    sort: str = "score",
    policy: stats.Policy | None = None,
    now: datetime | None = None,
) -> list[dict]:
    """One row per department with a part in the period, sorted by ``sort`` (a SORTS key,
    ``-`` in front to reverse); a row without the sorted figure (样本不足) comes last."""
    policy = policy or stats.Policy.current()
    now = now or clock.now()
    weights = weights_of()
    table: dict[int, dict] = {}

    def row(department: int) -> dict:
        return table.setdefault(
            department,
            dict.fromkeys(("led", *COUNT_COLUMNS, *_part_counts(now), *LED_COUNTS), 0),
        )

    parts = parts_selected(selection, user)
    for group in parts.order_by().values("department_id").annotate(**_part_counts(now)):
        department = group.pop("department_id")
        row(department).update(stats._unprefixed(group))
    returns = (
        ReturnRequest.objects.filter(assignment__in=parts)
        .order_by()
        .values("assignment__department_id")
        .annotate(
            accepted=Count("pk", filter=Q(ruling=ReturnRequest.Ruling.ACCEPTED)),
            refused=Count("pk", filter=Q(ruling=ReturnRequest.Ruling.REFUSED)),
        )
    )
    for group in returns:
        counts = row(group["assignment__department_id"])
        counts["returns_accepted"], counts["returns_refused"] = group["accepted"], group["refused"]
    led = (
        _pool(selection, user)
        .filter(lead_department__isnull=False)
        .order_by()
        .values("lead_department_id")
        .annotate(n_led=Count("pk"), **stats._counts(now, frozenset(LED_COUNTS)))
    )
    for group in led:
        row(group.pop("lead_department_id")).update(stats._unprefixed(group))
    names = dict(Department.objects.filter(pk__in=list(table)).values_list("pk", "name"))
    out = []
    for department, counts in table.items():
        rates = rates_of(counts, policy)
        out.append(
            {
                "department": department,
                "name": names.get(department, ""),
                "counts": counts,
                "rates": rates,
                "score": score_of(counts["dispatched"], rates, weights, policy.minimum_sample),
            }
        )
    return sorted_rows(out, sort)


def sorted_rows(rows: list[dict], sort: str) -> list[dict]:
    reverse = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, reverse = "score", False

    def value(row):
        if key == "score":
            return row["score"]
        if key == "name":
            return row["name"]
        if key in COUNT_COLUMNS:
            return row["counts"][key]
        return row["rates"][key]["bound"]

    # best first (highest score, bound or count; names A→Z); ``-`` reverses; None always last
    best_first = key != "name"
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: (r["name"],))
    present.sort(key=value, reverse=best_first != reverse)
    missing.sort(key=lambda r: (-r["counts"]["dispatched"], r["name"]))
    return present + missing
