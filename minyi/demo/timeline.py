"""Replaying three months of hotline work in time order.

Each order's life is a *story*: a generator that calls the services and yields the moment of
its next step. The timeline runs every step of every story in global time order, each inside
``clock.frozen(moment)``, so the ledger is chronological across all orders and the periodic
SLA scans see the database as it was at that moment. No step runs later than the real now: a
story whose next step would lie in the future simply stops where it is (its order stays open).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Generator
from datetime import datetime, time, timedelta

from minyi.core import clock
from minyi.workdays.calendar import SHANGHAI, WorkCalendar

Story = Generator[datetime, None, None]

OFFICE_OPEN, OFFICE_CLOSE = time(8, 30), time(17, 30)


class Timeline:
    def __init__(self, *, until: datetime):
        self.until = until
        self._queue: list[tuple[datetime, int, Callable[[], datetime | None]]] = []
        self._seq = itertools.count()
        self.cut_short = 0  # stories stopped because their next step lay in the future

    def add_story(self, at: datetime, story: Story) -> None:
        def step() -> datetime | None:
            try:
                return next(story)
            except StopIteration:
                return None

        self._push(at, step)

    def add_every_day(self, first: datetime, action: Callable[[datetime], None]) -> None:
        """Run ``action(moment)`` once a day from ``first`` until the end (the SLA scan)."""

        def step() -> datetime | None:
            action(clock.now())
            following = clock.now() + timedelta(days=1)
            return following if following <= self.until else None

        self._push(first, step)

    def _push(self, at: datetime, step) -> None:
        heapq.heappush(self._queue, (at, next(self._seq), step))

    def run(self) -> None:
        while self._queue:
            at, _, step = heapq.heappop(self._queue)
            if at > self.until:
                self.cut_short += 1
                continue
            with clock.frozen(at):
                following = step()
            if following is not None:
                # a step may ask for "now" again, never for the past: the ledger stays in order
                heapq.heappush(self._queue, (max(following, at), next(self._seq), step))


class Pace:
    """Believable delays: the hotline answers any time; departments act in office hours."""

    def __init__(self, rng: random.Random, cal: WorkCalendar):
        self.rng = rng
        self.cal = cal

    def now(self) -> datetime:
        return clock.now().astimezone(SHANGHAI)

    def minutes(self, low: float, high: float) -> datetime:
        return self.now() + timedelta(minutes=self.rng.uniform(low, high))

    def hours(self, low: float, high: float) -> datetime:
        return self.now() + timedelta(hours=self.rng.uniform(low, high))

    def office(self, low: float, high: float, *, start: datetime | None = None) -> datetime:
        """``low``–``high`` hours later, moved into the next office hours of a working day."""
        moment = (start or self.now()) + timedelta(hours=self.rng.uniform(low, high))
        return self.in_office(moment)

    def in_office(self, moment: datetime) -> datetime:
        moment = moment.astimezone(SHANGHAI)
        day = moment.date()
        if self.cal.is_workday(day) and OFFICE_OPEN <= moment.time() <= OFFICE_CLOSE:
            return moment
        if moment.time() > OFFICE_CLOSE or not self.cal.is_workday(day):
            day += timedelta(days=1)
        while not self.cal.is_workday(day):
            day += timedelta(days=1)
        opening = datetime.combine(day, OFFICE_OPEN, SHANGHAI)
        return max(opening, moment) + timedelta(minutes=self.rng.uniform(0, 120))

    def back_to_office(self, moment: datetime) -> datetime:
        """The latest office moment not after ``moment`` (for stories planned backwards)."""
        moment = moment.astimezone(SHANGHAI)
        day = moment.date()
        if self.cal.is_workday(day) and OFFICE_OPEN <= moment.time() <= OFFICE_CLOSE:
            return moment
        if moment.time() < OFFICE_OPEN or not self.cal.is_workday(day):
            day -= timedelta(days=1)
        while not self.cal.is_workday(day):
            day -= timedelta(days=1)
        closing = datetime.combine(day, OFFICE_CLOSE, SHANGHAI)
        return min(closing, moment) - timedelta(minutes=self.rng.uniform(0, 120))

    def workdays(self, days: int, *, start: datetime | None = None) -> datetime:
        """Office time ``days`` working days after ``start``'s date (0: later the same day)."""
        start = (start or self.now()).astimezone(SHANGHAI)
        day = start.date()
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.cal.is_workday(day):
                remaining -= 1
        earliest = datetime.combine(day, OFFICE_OPEN, SHANGHAI)
        moment = earliest + timedelta(minutes=self.rng.uniform(0, 480))
        return self.in_office(max(moment, start + timedelta(minutes=20)))

    def before(self, deadline: datetime, *, margin_hours: float = 2) -> datetime:
        """An office moment between now and ``deadline`` (or now, when the room is too small)."""
        now = self.now()
        latest = deadline - timedelta(hours=margin_hours)
        for _ in range(20):
            moment = self.in_office(now + (latest - now) * self.rng.uniform(0.15, 0.9))
            if now <= moment <= latest:
                return moment
        return now + timedelta(minutes=self.rng.uniform(10, 60))

    def calling_hours(self, moment: datetime) -> datetime:
        """Move a moment into 07:30–21:30, when people call the hotline."""
        moment = moment.astimezone(SHANGHAI)
        if time(7, 30) <= moment.time() <= time(21, 30):
            return moment
        day = moment.date() + (timedelta(days=1) if moment.time() > time(21, 30) else timedelta())
        return datetime.combine(day, time(7, 30), SHANGHAI) + timedelta(
            minutes=self.rng.uniform(0, 180)
        )
