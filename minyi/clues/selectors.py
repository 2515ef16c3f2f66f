"""What the clue library reads, as the reader may see it.

Orders on a clue go through the privacy rule (``rules.requester_shown``): the liaison officer
reads the requester masked and the title as a list shows it (``Person.listed``: redacted, typed phone numbers masked); a group deputy reads no
requester at all, and of a whistle-blower's order (``protect_identity``) not even the title —
the deputy is outside the hotline and a report's wording can name its reporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from minyi.accounts.models import Role, role_of
from minyi.clues.models import Clue, ClueOrder, ClueProposal, ClueStatus, ProposalStatus
from minyi.orders.models import WorkOrder
from minyi.privacy import rules

LIST_LIMIT = 200
REPORT_TITLE = "举报类诉求（内容保密）"


@dataclass(frozen=True)
class OrderRow:
    order: WorkOrder
    title: str
    requester: str  # "" where the reader sees no requester (a deputy)
    region: str
    score: float | None = None
    proposal_id: int | None = None


def _orders() -> QuerySet:
    return WorkOrder.objects.select_related("deputy", "region", "request_type").prefetch_related(
        "deputy__phones"
    )


def order_row(user, order: WorkOrder, **extra) -> OrderRow:
    person = rules.requester_shown(user, order)
    region = order.region.name if order.region_id else ""
    if role_of(user) == Role.LIAISON:
        return OrderRow(order, person.listed(order.title), person.label, region, **extra)
    title = REPORT_TITLE if order.protect_identity else person.listed(order.title)
    return OrderRow(order, title, "", region, **extra)


def clue_list(*, status: str = "", group=None, q: str = "") -> list[Clue]:
    """The liaison officer's list, newest first, with the counts its columns show."""
    clues = Clue.objects.select_related("group", "created_by").annotate(
        order_count=Count("links", distinct=True),
        pending_count=Count(
            "proposals", filter=Q(proposals__status=ProposalStatus.PENDING), distinct=True
        ),
    )
    if status:
        clues = clues.filter(status=status)
    if group is not None:
        clues = clues.filter(group=group)
    if q:
        clues = clues.filter(title__icontains=q)
    return list(clues.order_by("-created_at", "-id")[:LIST_LIMIT])


def clues_of_deputy(user) -> list[Clue]:
    """The clues given to the groups the signed-in deputy belongs to (none for anyone else)."""
    if role_of(user) != Role.DEPUTY or not getattr(user, "deputy_id", None):
        return []
    return list(
        # one join: the member is this deputy, still in office
        Clue.objects.filter(group__deputies=user.deputy_id, group__deputies__is_active=True)
        .select_related("group")
        .annotate(order_count=Count("links", distinct=True))
        .order_by("status", "-created_at", "-id")[:LIST_LIMIT]
    )


def linked_orders(user, clue: Clue) -> list[OrderRow]:
    ids = ClueOrder.objects.filter(clue=clue).values("order_id")
    return [order_row(user, o) for o in _orders().filter(pk__in=ids).order_by("-created_at")]


def pending_proposals(user, clue: Clue) -> list[OrderRow]:
    proposals = (
        ClueProposal.objects.filter(clue=clue, status=ProposalStatus.PENDING)
        .select_related("order__deputy", "order__region")
        .prefetch_related("order__deputy__phones")
        .order_by("-score", "-id")[:LIST_LIMIT]
    )
    return [order_row(user, p.order, score=p.score, proposal_id=p.pk) for p in proposals]


def orders_for_prefill(user, ids: list[int], numbers: list[str]) -> list[OrderRow]:
    """The orders a new clue would link (from a topic's ids or typed numbers)."""
    if not ids and not numbers:
        return []
    found = _orders().filter(Q(pk__in=ids) | Q(number__in=numbers)).order_by("-created_at")
    return [order_row(user, o) for o in found[:LIST_LIMIT]]


def open_counts() -> dict[str, int]:
    rows = Clue.objects.values_list("status").annotate(n=Count("id"))
    counts = {s: 0 for s in ClueStatus.values}
    counts.update(dict(rows))
    return counts
