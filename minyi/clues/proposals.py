"""New orders like an open clue, proposed for linking (the liaison officer accepts or dismisses).

A scheduled job (``clue_proposals_task``, every 10 minutes), never the order's write path: it
claims the orders created since its last turn (``ScanCursor``, a conditional update, so two
workers never read the same batch), compares each with every open clue's profile (its title,
summary and linked orders, ``minyi.textmine.similar``), and records a ``ClueProposal`` for each
order at or above ``CLUE_PROPOSAL_MIN_SCORE`` (settings, default 0.35).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from minyi.clues.models import Clue, ClueOrder, ClueProposal, ScanCursor
from minyi.core import clock
from minyi.orders.models import WorkOrder
from minyi.textmine.similar import centroid, cosine, vector

BATCH = 2000
PROFILE_ORDERS = 50  # the newest linked orders that make a clue's profile
CURSOR = "orders"
LAG = timedelta(minutes=2)


def min_score() -> float:
    return float(getattr(settings, "CLUE_PROPOSAL_MIN_SCORE", 0.35))


def order_text(order) -> str:
    return f"{order.title}\n{order.content}"


def clue_profile(clue: Clue) -> dict[str, float]:
    """The clue's own words, weighed as one order among its linked orders' texts."""
    orders = WorkOrder.objects.filter(
        pk__in=ClueOrder.objects.filter(clue=clue).values("order_id")
    ).order_by("-id")[:PROFILE_ORDERS]
    vectors = [vector(f"{clue.title}\n{clue.summary}")]
    vectors += [vector(order_text(o)) for o in orders.only("title", "content")]
    return centroid(vectors)


def _cursor() -> ScanCursor | None:
    """The cursor; made on the first turn that has an open clue, past the orders created before
    the oldest open clue: only orders arriving after the clues are proposed (the first turn on a
    large database does not crawl through years of history)."""
    cursor = ScanCursor.objects.filter(name=CURSOR).first()
    if cursor is not None:
        return cursor
    oldest = Clue.objects.open().order_by("created_at").values_list("created_at", flat=True)
    if not oldest:
        return None
    before = WorkOrder.objects.filter(created_at__lt=oldest[0]).order_by("-pk").first()
    cursor, _ = ScanCursor.objects.get_or_create(
        name=CURSOR, defaults={"last_order_id": before.pk if before else 0}
    )
    return cursor


def _claim(batch: int) -> list[WorkOrder]:
    """The next orders after the cursor, the cursor moved past them; [] when another worker
    claimed them first (its update matched, ours did not)."""
    cursor = _cursor()
    if cursor is None:
        return []
    # a lag, so that an order whose transaction commits after a later one's is not passed over
    settled = clock.now() - LAG
    orders = list(
        WorkOrder.objects.filter(pk__gt=cursor.last_order_id, created_at__lte=settled)
        .order_by("pk")
        .only("pk", "title", "content")[:batch]
    )
    if not orders:
        return []
    moved = ScanCursor.objects.filter(name=CURSOR, last_order_id=cursor.last_order_id).update(
        last_order_id=orders[-1].pk
    )
    return orders if moved else []


def clue_proposals_scan(*, batch: int = BATCH) -> int:
    """One turn of the scan; returns the number of proposals recorded."""
    with transaction.atomic():
        orders = _claim(batch)
        if not orders:
            return 0
        clues = list(Clue.objects.open())
        if not clues:
            return 0
        profiles = [(clue, clue_profile(clue)) for clue in clues]
        linked = set(
            ClueOrder.objects.filter(
                clue__in=clues, order_id__in=[o.pk for o in orders]
            ).values_list("clue_id", "order_id")
        )
        threshold, now, rows = min_score(), clock.now(), []
        for order in orders:
            v = vector(order_text(order))
            for clue, profile in profiles:
                if (clue.pk, order.pk) in linked:
                    continue
                score = cosine(v, profile)
                if score >= threshold:
                    rows.append(
                        ClueProposal(clue=clue, order=order, score=round(score, 3), created_at=now)
                    )
        # a proposal once dismissed (or already there) is not made again
        ClueProposal.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)
