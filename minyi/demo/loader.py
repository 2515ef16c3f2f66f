"""Load the 韶山 demo once: reference data and deputies in bulk, orders through the services."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

from django.db import transaction

from minyi.core import clock
from minyi.demo.clues import load_clues
from minyi.demo.messages import load_messages
from minyi.demo.names import NameMaker
from minyi.demo.orders import OrdersLoaded, load_orders
from minyi.demo.people import LOGINS, PASSWORD, load_people
from minyi.demo.reference import MARKER_CODE, load_reference
from minyi.demo.timeline import Pace
from minyi.demo.world import World
from minyi.deputies.models import Mandate
from minyi.reference.models import Region
from minyi.workdays.calendar import get_calendar, invalidate

DEFAULT_ORDERS = 300
DEFAULT_SEED = 2026


@dataclass
class Loaded:
    deputies: int
    mandates: int
    orders: OrdersLoaded
    messages: int  # 码上找代表 messages (minyi/demo/messages.py)


def demo_present() -> bool:
    """The demo is loaded when 韶山市 (GB/T 2260 430382) is in the region table."""
    return Region.objects.filter(code=MARKER_CODE).exists()


@transaction.atomic
def load_demo(*, orders: int = DEFAULT_ORDERS, seed: int = DEFAULT_SEED) -> Loaded | None:
    """Load everything in one transaction (a failure leaves nothing behind); None when the demo
    is already there."""
    # Two loads at the same moment: the second one's insert of 韶山市 waits on the unique
    # region code and fails once the first commits, so its whole transaction rolls back.
    if demo_present():
        return None
    rng = random.Random(seed)
    names = NameMaker(rng)
    ref = load_reference(rng, names)
    people = load_people(rng, names, ref)
    invalidate()  # the calendar as it is in this database
    world = World(rng, Pace(rng, get_calendar()), ref, people)
    loaded = load_orders(world, orders, clock.now())
    # their own random stream: the orders stay what they were before the messages existed
    messages = load_messages(random.Random(f"{seed}-mashang"), people, clock.now())
    load_clues(people)  # 线索库: the largest topic of the orders, given to the deputy's group
    return Loaded(
        deputies=len(people.deputies),
        mandates=Mandate.objects.filter(ended_on__isnull=True).count(),
        orders=loaded,
        messages=messages.count,
    )


def login_rows() -> list[tuple[str, str, str, str]]:
    """(role, username, password, what they can do) for the printed table."""
    return [(role.label, username, PASSWORD, does) for role, username, _, _, does in LOGINS]


def admin_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('PORT') or 8000}/admin/"
