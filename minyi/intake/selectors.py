"""The candidate duplicates of a matter being typed (重复诉求): read-only, indexed look-ups only.

1. the orders from the same phone within ``INTAKE_DUPLICATE_PHONE_DAYS`` (30) days;
2. the orders at the same place (the normalised address key) within the text window (90 days);
3. the orders sharing the typed text's content words within that window: each word reads at
   most ``PER_TERM`` postings, newest first, and the orders sharing most words go on;
4. the few orders newer than the index's cursor, read directly (not yet caught up);
then only the orders this user may see, scored by ``textmine.duplicates.judge``.

Who sees what (fail closed): the hotline (operator, dispatcher) and the liaison officers read
candidates among all orders, but only a user ``rules.may_search_by_phone`` allows (the hotline)
is matched by phone at all: for anyone else the typed phone is dropped here, whatever the entry
point (text and place only). A phone look-up is logged by the view before it calls this
(``intake.services.intake_phone_checked``), and a candidate found by phone shows its title and
requester only to a user who may see that requester in full (``rules.may_reveal``: an operator
the calls she recorded) or when the matter reads alike without the phone (a text candidate
anyway); anyone else reads its number, reason, state and time only; anyone else (a department, a deputy, a station) only among the
orders ``orders_visible_to`` gives them. Whoever the privacy rule withholds a requester from
never gets that order as a candidate: a report (举报) is never a department's candidate, nor an
anonymous caller's order outside the hotline (the shared phone would name them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings

from minyi.accounts.models import Role
from minyi.core import clock, timefmt
from minyi.intake.keys import place_key, term_hash, terms_of
from minyi.intake.models import IntakeCursor, IntakeKey, IntakeTerm
from minyi.orders.models import Status, WorkOrder
from minyi.orders.selectors import orders_visible_to
from minyi.privacy import rules
from minyi.textmine import duplicates
from minyi.textmine.duplicates import REASON_LABELS

TEXT_WINDOW_DAYS = 90
PER_TERM = 200  # postings read per word (newest first)
TEXT_CANDIDATES = 30  # orders sharing the most words that go on to be judged
PER_KEY = 20  # orders read per phone or place
TAIL = 200  # orders newer than the index's cursor read directly
SHOWN = 8
SIMILAR_MIN = 0.35  # a text-only candidate below this score is not shown
MIN_TEXT_CHARS = 6
# the console's phone branch runs only once the matter is typed (title + content), not for a
# bare number: the panel is a duplicate check, not a look-up of a number's calls
PHONE_CHECK_MIN_TEXT = 10
# Searching among all orders: the hotline and the liaison officers (who read every order).
SEARCHES_ALL = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.LIAISON})
MAY_CHECK = SEARCHES_ALL | {Role.HANDLER, Role.DEPUTY, Role.STATION}
# a candidate cannot be a master: a draft (not yet decided) nor an order merged itself
NOT_A_CANDIDATE = (Status.DRAFT, Status.MERGED)


def phone_days() -> int:
    return int(settings.MINYI.get("INTAKE_DUPLICATE_PHONE_DAYS", 30))


@dataclass(frozen=True)
class Typed:
    """What the operator has typed so far."""

    text: str = ""
    phone: str = ""
    address: str = ""
    exclude: int | None = None  # the order being checked itself (dispatch page)
    protect_identity: bool | None = None  # a report merges only with a report


@dataclass
class Candidate:
    order: WorkOrder
    reason: str
    score: float
    title: str  # as the privacy rule lets this user read it
    requester: str
    created: str
    may_merge: bool

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


def may_check(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in MAY_CHECK)


def _visible(user):
    if not may_check(user):
        return WorkOrder.objects.none()
    base = WorkOrder.objects.all() if user.role in SEARCHES_ALL else orders_visible_to(user)
    return base.filter(rules.identity_visible_q(user)).exclude(status__in=NOT_A_CANDIDATE)


def _ids_by_key(typed: Typed, now) -> dict[int, str]:
    found: dict[int, str] = {}
    if typed.phone:
        since = now - timedelta(days=phone_days())
        keys = IntakeKey.objects.filter(phone=typed.phone[:32], created_at__gte=since)
        for pk in keys.order_by("-created_at").values_list("order_id", flat=True)[:PER_KEY]:
            found.setdefault(pk, "same_phone")
    place = place_key(typed.address)
    if place:
        since = now - timedelta(days=TEXT_WINDOW_DAYS)
        keys = IntakeKey.objects.filter(place=place, created_at__gte=since)
        for pk in keys.order_by("-created_at").values_list("order_id", flat=True)[:PER_KEY]:
            found.setdefault(pk, "same_place")
    return found


def _ids_by_text(words: list[str], now) -> list[int]:
    if not words:
        return []
    since = now - timedelta(days=TEXT_WINDOW_DAYS)
    shared: Counter[int] = Counter()
    for word in words:
        postings = IntakeTerm.objects.filter(term=term_hash(word), created_at__gte=since)
        shared.update(
            postings.order_by("-created_at").values_list("order_id", flat=True)[:PER_TERM]
        )
    least = 2 if len(words) >= 3 else 1
    return [pk for pk, n in shared.most_common(TEXT_CANDIDATES) if n >= least]


def _tail_ids(typed: Typed, words: list[str], now) -> dict[int, str]:
    """The orders the index has not caught up with yet, matched in Python (a few at most)."""
    cursor = IntakeCursor.objects.filter(pk=1).values_list("last_order_id", flat=True).first()
    recent = WorkOrder.objects.filter(pk__gt=cursor or 0).order_by("-pk")
    rows = recent.values_list("pk", "requester_phone", "address", "title", "content")[:TAIL]
    place, wanted, found = place_key(typed.address), set(words), {}
    for pk, phone, address, title, content in rows:
        if typed.phone and phone == typed.phone:
            found[pk] = "same_phone"
        elif place and place_key(address) == place:
            found[pk] = "same_place"
        elif wanted and len(wanted & set(terms_of(f"{title}\n{content}"))) >= min(2, len(wanted)):
            found[pk] = "similar_text"
    return found


def _appeal(order: WorkOrder) -> duplicates.Appeal:
    return duplicates.Appeal(
        id=str(order.pk),
        text=f"{order.title}\n{order.content}",
        phone=order.requester_phone,
        date=timefmt.local(order.created_at).date(),
        address=order.address,
    )


def candidates_for(user, typed: Typed, *, now=None, limit: int = SHOWN) -> list[Candidate]:
    """The candidate duplicates of ``typed`` that ``user`` may see, the likeliest first."""
    if not may_check(user):
        return []
    if typed.phone and not rules.may_search_by_phone(user):
        typed = replace(typed, phone="")  # fail closed: no phone matching outside the hotline
    now = now or clock.now()
    text = (typed.text or "").strip()
    words = terms_of(text) if len(text) >= MIN_TEXT_CHARS else []
    found = _ids_by_key(typed, now)
    for pk in _ids_by_text(words, now):
        found.setdefault(pk, "similar_text")
    for pk, reason in _tail_ids(typed, words, now).items():
        found.setdefault(pk, reason)
    found.pop(typed.exclude, None)
    if not found:
        return []
    orders = _visible(user).filter(pk__in=list(found)).select_related("deputy")
    if typed.protect_identity is not None:
        orders = orders.filter(protect_identity=typed.protect_identity)
    typed_appeal = duplicates.Appeal(
        id="typed",
        text=text,
        phone=typed.phone,
        date=timefmt.local(now).date(),
        address=typed.address,
    )
    scored = []
    for order in orders:
        judged = duplicates.judge(typed_appeal, _appeal(order))
        reason = found[order.pk]
        # the same phone is always shown (the caller's recent orders); the same place or a
        # similar text only when the matter reads alike (same place, another matter: not one)
        if reason != "same_phone" and not judged.is_duplicate and judged.score < SIMILAR_MIN:
            continue
        if judged.is_duplicate and judged.reason in REASON_LABELS and reason == "similar_text":
            reason = judged.reason
        scored.append((judged.is_duplicate, judged.score, order, reason))
    scored.sort(key=lambda row: (row[0], row[1], row[2].created_at), reverse=True)
    return [
        _present(user, order, reason, score, typed_appeal)
        for _, score, order, reason in scored[:limit]
    ]


def _alike_without_phone(typed_appeal: duplicates.Appeal, order: WorkOrder) -> bool:
    """Whether the matter reads alike without the phone (a text or place candidate anyway)."""
    judged = duplicates.judge(replace(typed_appeal, phone=""), replace(_appeal(order), phone=""))
    return judged.is_duplicate or judged.score >= SIMILAR_MIN


def _present(
    user, order: WorkOrder, reason: str, score: float, typed_appeal: duplicates.Appeal
) -> Candidate:
    person = rules.requester_shown(user, order)
    # found by the number alone: which matter and who is for whom may see the requester in
    # full; a matter that reads alike anyway would be a text candidate with its title
    bare = (
        reason == "same_phone"
        and not rules.may_reveal(user, order)
        and not _alike_without_phone(typed_appeal, order)
    )
    return Candidate(
        order=order,
        reason=reason,
        score=round(float(score), 2),
        title="" if bare else person.listed(order.title),
        requester="" if bare else person.label,
        created=timefmt.local_text(order.created_at),
        may_merge=order.status not in NOT_A_CANDIDATE,
    )


def candidate_master(user, number: str, typed: Typed | None = None) -> WorkOrder | None:
    """The order ``number`` as a master for ``user``: one they may see as a candidate, or None."""
    orders = _visible(user).filter(number=(number or "").strip()[:32])
    if typed is not None and typed.protect_identity is not None:
        orders = orders.filter(protect_identity=typed.protect_identity)
    return orders.first()
