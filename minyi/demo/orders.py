"""Three months of orders: decide each order's fate, then replay all stories in time order.

The fates are quotas of the order count, so every status appears even in a small load, and most
orders end archived (as in the seed: 33 received, 33 closed, 96.97% satisfied).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from minyi.demo.matters import MATTERS, OUT_OF_SCOPE
from minyi.demo.open_stories import OPEN_STORIES
from minyi.demo.stories import STORIES
from minyi.demo.timeline import Timeline
from minyi.demo.world import CHANNEL_WEIGHTS, Plan, World
from minyi.orders.models import Channel, WorkOrder
from minyi.orders.services.sla import ScanResult, sla_scan
from minyi.workdays.calendar import SHANGHAI

WINDOW = timedelta(days=91)  # about three months back from now

# fate, share of the orders, minimum count; in priority order for a very small load.
# "merged" tells two orders: an archived master and the duplicate merged into it.
FATES = (
    ("draft", 0.012, 1),
    ("accepted", 0.02, 1),
    ("rejected", 0.06, 1),
    ("escalated", 0.02, 1),
    ("merged", 0.02, 1),
    ("dispatched_red", 0.012, 1),
    ("dispatched_yellow", 0.015, 1),
    ("returned", 0.012, 1),
    ("signed", 0.025, 1),
    ("signed_red", 0.02, 1),
    ("signed_yellow", 0.02, 1),
    ("replied", 0.025, 1),
    ("callback", 0.025, 1),
    ("direct", 0.07, 1),
    ("return_accepted", 0.025, 1),
    ("return_refused", 0.015, 1),
    ("extension_approved", 0.03, 1),
    ("extension_denied", 0.01, 1),
    ("redo", 0.02, 1),
    ("supervised", 0.015, 1),
    ("tracking", 0.015, 1),
    ("tracking_done", 0.01, 1),
)
ORDERS_PER_STORY = {"merged": 2}
# calendar days a closed story needs, so that it can finish before now
SPAN_DAYS = {
    "archived": 18,
    "direct": 6,
    "return_accepted": 24,
    "return_refused": 24,
    "extension_approved": 34,
    "extension_denied": 24,
    "redo": 34,
    "supervised": 36,
    "merged": 20,
    "rejected": 1,
    "escalated": 24,
    "tracking": 40,
    "tracking_done": 60,
}


@dataclass
class OrdersLoaded:
    statuses: Counter
    warnings: Counter
    scan: ScanResult
    cut_short: int


def fate_counts(total: int) -> list[str]:
    """The fate of each order, as quotas of ``total``; the rest are plainly archived."""
    fates: list[str] = []
    left = total
    for fate, share, minimum in FATES:
        size = ORDERS_PER_STORY.get(fate, 1)
        count = max(minimum, round(share * total))
        count = min(count, left // size)
        fates += [fate] * count
        left -= count * size
    return fates + ["archived"] * left


def _matter(w: World, fate: str):
    rng = w.rng
    if fate == "rejected":
        return rng.choice(OUT_OF_SCOPE)
    if fate == "direct":
        return rng.choice([m for m in MATTERS if m.direct])
    if fate in ("return_accepted", "returned"):
        return rng.choice([m for m in MATTERS if m.wrong])
    if fate == "escalated":
        return rng.choice([m for m in MATTERS if m.complex])
    if fate in ("tracking", "tracking_done"):  # a reply with a plan (跟踪督办)
        return rng.choice([m for m in MATTERS if m.plan and not m.direct])
    dispatched = [m for m in MATTERS if not m.direct]
    if fate == "archived" and rng.random() < 0.1:  # a department answers a policy question
        return rng.choice(MATTERS)
    return rng.choice(dispatched)


def plan_orders(w: World, total: int, now: datetime) -> list[Plan]:
    rng = w.rng
    first = now - WINDOW
    plans = []
    for fate in fate_counts(total):
        matter = _matter(w, fate)
        request_type = getattr(matter, "type", None) or rng.choice(matter.types)
        channel = w.channel()
        if fate == "draft" and rng.random() < 0.5:
            channel = Channel.WEB  # web messages wait for an operator to check them
        plan = Plan(
            fate=fate,
            start=now,
            matter=matter,
            township=w.township(),
            channel=channel,
            request_type=request_type,
            urgent=request_type == "urgent" or rng.random() < 0.03,
        )
        if fate in OPEN_STORIES:
            planner, _ = OPEN_STORIES[fate]
            if not planner(w, plan, now):  # no moment fits: tell it as a closed story
                plan.fate = "archived"
        if plan.fate in STORIES:
            latest = now - timedelta(days=SPAN_DAYS[plan.fate])
            spread = max((latest - first).total_seconds(), 0)
            plan.start = w.pace.calling_hours(first + timedelta(seconds=rng.uniform(0, spread)))
        plan.start = min(plan.start, now)
        plans.append(plan)
    _every_channel(plans)
    return plans


def _every_channel(plans: list[Plan]) -> None:
    """Every channel appears in the demo, whatever the day it is loaded on: the weighted draw
    (its sequence depends on the date) can leave one out of a small demo. A missing channel
    takes over a plan of the most common one that is not a web draft."""
    for channel in CHANNEL_WEIGHTS:
        if len(plans) < len(CHANNEL_WEIGHTS) or any(p.channel == channel for p in plans):
            continue
        counts = Counter(p.channel for p in plans)
        common = max(counts, key=lambda c: (counts[c], c))
        donor = next((p for p in plans if p.channel == common and p.fate != "draft"), None) or next(
            p for p in plans if p.channel == common
        )
        donor.channel = channel


def load_orders(w: World, total: int, now: datetime) -> OrdersLoaded:
    """1. plan every order; 2. replay all stories and a daily SLA scan in time order;
    3. a last SLA scan at the real now, so warnings are current."""
    timeline = Timeline(until=now)
    for plan in plan_orders(w, total, now):
        story = STORIES.get(plan.fate) or OPEN_STORIES[plan.fate][1]
        timeline.add_story(plan.start, story(w, plan))
    first_scan = datetime.combine((now - WINDOW).astimezone(SHANGHAI).date(), time(6), SHANGHAI)
    timeline.add_every_day(first_scan, lambda moment: sla_scan(now=moment))
    timeline.run()
    scan = sla_scan()
    return OrdersLoaded(
        statuses=Counter(WorkOrder.objects.values_list("status", flat=True)),
        warnings=Counter(WorkOrder.objects.values_list("warning", flat=True)),
        scan=scan,
        cut_short=timeline.cut_short,
    )
