"""Writes of the hot issues: a ``TopicRun`` found or started for a selection, and computed.

How a run is computed (``topic_run_compute``):

1. The texts of the period and of the previous period (the month before a calendar month, the
   same length just before any other period) are grouped
   together with ``minyi.textmine.topics.group``, so a topic's previous count is the number of
   previous-period texts that fell into it (``previous``).
2. A topic is hot in the period when at least two of its texts are of the period; its members of
   the previous period only count for the trend. The texts left alone (label -1) are counted.
3. Each topic keeps its key terms, its members of the period (orders and messages), a few
   candidates for the representative example (textmine's representative first when it is of the
   period), and the facts of its orders from the ledger rows: regions, departments, overdue,
   rated, unsolved and dissatisfied (``minyi.ledger.stats.count_filters``).

Nothing personal is stored: the example is chosen and masked for each viewer when shown.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper

from minyi.core import clock, timefmt
from minyi.hotissues import corpus
from minyi.hotissues.models import RunState, TopicRun
from minyi.ledger import stats
from minyi.ledger.models import LedgerRow

log = logging.getLogger(__name__)

# a run that finished this recently answers for its selection without reading the data version
FRESH = timedelta(minutes=5)
# a pending run older than this was lost by its worker: it is queued again
STUCK = timedelta(minutes=10)
# a run older than this is deleted when another is created: results a week old are not read
KEEP = timedelta(days=7)
CANDIDATES = 5
# a term with a run of digits may be part of a number (a phone, a plate, an ID): never a key term
DIGITS = re.compile(r"\d{3,}")
TOP_PLACES = 5
FACTS = ("overdue", "rated", "unsolved", "dissatisfied", "pool")


def inline_max() -> int:
    """Up to this many texts (both periods) a run is computed inside the request."""
    return int(getattr(settings, "HOTISSUES_INLINE_MAX", 1000))


def _latest_ready(key: str) -> TopicRun | None:
    return TopicRun.objects.filter(key=key, state=RunState.READY).order_by("-finished_at").first()


@transaction.atomic
def topic_run_for(*, selection: stats.Selection, role: str) -> tuple[TopicRun | None, TopicRun]:
    """The run to show for ``selection`` (the latest finished one, or None) and the run of the
    current data (the same when it is done; pending otherwise, computed inline when small or
    queued). Repeating the call is harmless: one run per selection and data version."""
    key, now = corpus.key_of(selection, role), clock.now()
    shown = _latest_ready(key)
    if shown is not None and shown.finished_at >= now - FRESH:
        return shown, shown
    version = corpus.version_of(selection, role)
    run = TopicRun.objects.filter(key=key, version=version).first()
    if run is None:
        run, created = _run_create(key=key, version=version, selection=selection, role=role)
        if created:  # a concurrent view that lost the race shows the winner's run
            _start(run)
    elif run.state == RunState.PENDING and run.created_at < now - STUCK:
        TopicRun.objects.filter(pk=run.pk).update(created_at=now)
        _start(run)
    run.refresh_from_db()
    if run.state == RunState.READY:
        shown = run
    return shown, run


def _params(selection: stats.Selection, role: str) -> dict:
    period = selection.period
    return {
        "start": timefmt.day_text(period.start),
        "end": timefmt.day_text(period.end),
        "month": timefmt.day_text(selection.month) if selection.month else None,
        "channel": selection.channel,
        "region": selection.region,
        "department": selection.department,
        "category": selection.category,
        "level": selection.level,
        "role": role,
    }


def selection_of(params: dict) -> stats.Selection:
    from datetime import date

    period = stats.Period(date.fromisoformat(params["start"]), date.fromisoformat(params["end"]))
    month = date.fromisoformat(params["month"]) if params.get("month") else None
    return stats.Selection(
        period=period,
        month=month,
        channel=params.get("channel") or "",
        region=params.get("region"),
        department=params.get("department"),
        category=params.get("category"),
        level=params.get("level") or "",
    )


def _run_create(
    *, key: str, version: str, selection: stats.Selection, role: str
) -> tuple[TopicRun, bool]:
    try:
        with transaction.atomic():
            run = TopicRun.objects.create(
                key=key,
                version=version,
                params=_params(selection, role),
                created_at=clock.now(),
            )
            _prune(keep=run)
            return run, True
    except IntegrityError:  # a concurrent view created it first
        return TopicRun.objects.get(key=key, version=version), False


def _prune(*, keep: TopicRun) -> None:
    """Runs that nobody will read again: of ``keep``'s selection all but the latest finished
    one (what the page shows while ``keep`` is computed), and any run older than ``KEEP``."""
    latest = _latest_ready(keep.key)
    TopicRun.objects.filter(key=keep.key).exclude(
        pk__in=[keep.pk] + ([latest.pk] if latest else [])
    ).delete()
    TopicRun.objects.filter(created_at__lt=keep.created_at - KEEP).delete()


def _start(run: TopicRun) -> None:
    selection = selection_of(run.params)
    role = run.params["role"]
    size = sum(
        corpus.order_rows(chosen, role).count() + corpus.messages_of(chosen, role).count()
        for chosen in (selection, corpus.previous_of(selection))
    )
    if size <= inline_max():
        topic_run_compute(run_id=run.pk)
        return
    from minyi.hotissues.tasks import topic_run_task

    transaction.on_commit(lambda: topic_run_task.enqueue(run.pk))


@transaction.atomic
def topic_run_compute(*, run_id: int) -> TopicRun | None:
    """Group the run's texts and store the topics (see the module's steps). Safe to run again:
    a finished run is left as it is."""
    run = TopicRun.objects.filter(pk=run_id).first()
    if run is None or run.state == RunState.READY:
        return run
    try:
        with transaction.atomic():  # a failed query must not abort the outer transaction
            result = _compute(selection_of(run.params), run.params["role"])
    except Exception as error:  # stored for the page; the traceback goes to the log
        log.exception("hot issues run %s failed", run_id)
        TopicRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED, error=str(error)[:1000], finished_at=clock.now()
        )
        return TopicRun.objects.get(pk=run_id)
    TopicRun.objects.filter(pk=run_id).update(
        state=RunState.READY, result=result, error="", finished_at=clock.now()
    )
    return TopicRun.objects.get(pk=run_id)


def _compute(selection: stats.Selection, role: str) -> dict:
    from minyi.textmine import topics as textmine_topics

    current = corpus.items_of(selection, role)
    previous = corpus.items_of(corpus.previous_of(selection), role)
    texts = [item.text for item in current] + [item.text for item in previous]
    if not current:
        return {"texts": 0, "previous_texts": len(previous), "alone": 0, "topics": []}
    grouping = textmine_topics.group(texts, min_size=2)
    n = len(current)
    members: dict[int, list[int]] = {}
    earlier: Counter[int] = Counter()
    for index, label in enumerate(grouping.labels):
        if label < 0:
            continue
        if index < n:
            members.setdefault(label, []).append(index)
        else:
            earlier[label] += 1
    facts = _facts([item.pk for item in current if item.kind == "o"])
    topics = []
    for topic in grouping.topics:
        mine = members.get(topic.id, [])
        if len(mine) < 2:
            continue
        first = [topic.representative] if topic.representative in mine else []
        picks = list(dict.fromkeys(first + mine))[:CANDIDATES]
        orders = [current[i].pk for i in mine if current[i].kind == "o"]
        topics.append(
            {
                "id": topic.id,
                "key_terms": [t for t in topic.key_terms if not DIGITS.search(t)][:8],
                "size": len(mine),
                "previous": earlier[topic.id],
                "orders": orders,
                "messages": [current[i].pk for i in mine if current[i].kind == "m"],
                "candidates": [[current[i].kind, current[i].pk] for i in picks],
                "facts": _topic_facts(orders, facts),
            }
        )
    topics.sort(key=lambda t: (-t["size"], t["previous"], t["id"]))
    grouped = sum(t["size"] for t in topics)
    return {"texts": n, "previous_texts": len(previous), "alone": n - grouped, "topics": topics}


def _facts(order_ids: list[int]) -> dict[int, tuple]:
    """Each order's region, lead department and flags, in one query per thousand orders."""
    conditions = stats.count_filters(clock.now())
    flags = {
        f"is_{name}": ExpressionWrapper(conditions[name], output_field=BooleanField())
        for name in FACTS
    }
    out: dict[int, tuple] = {}
    for start in range(0, len(order_ids), 1000):
        rows = (
            LedgerRow.objects.filter(order_id__in=order_ids[start : start + 1000])
            .annotate(**flags)
            .values_list("order_id", "region__name", "lead_department__name", *flags)
        )
        for pk, region, department, *values in rows:
            out[pk] = (region, department, dict(zip(FACTS, values, strict=True)))
    return out


def _topic_facts(orders: list[int], facts: dict[int, tuple]) -> dict:
    counts: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    departments: Counter[str] = Counter()
    for pk in orders:
        if pk not in facts:
            continue
        region, department, flags = facts[pk]
        counts.update(name for name, value in flags.items() if value)
        if region:
            regions[region] += 1
        if department:
            departments[department] += 1
    return {
        **{name: counts[name] for name in FACTS},
        "regions": regions.most_common(TOP_PLACES),
        "departments": departments.most_common(TOP_PLACES),
    }
