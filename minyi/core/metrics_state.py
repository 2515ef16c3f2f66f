"""The metrics that are state, read from the database when ``/metrics`` is scraped: the outbox
backlog, the background processes' heartbeats (the same two queries as ``/readyz``,
minyi/core/readiness.py) and the open orders in yellow and red.

Four queries, each on an index, whatever the number of orders:

- the orders: ``warning`` has no index on purpose (the SLA scan's update stays HOT, see
  ``WorkOrder.Meta.indexes``), and counting it would read every open order. The warning is a
  function of the deadlines (``deadlines.warning_level``): red once ``next_due`` has passed,
  yellow from ``warn_at`` until then (``warn_at <= next_due``, both set or both empty), so
  red = ``next_due < now`` and yellow = ``warn_at <= now`` minus red, two counts on the
  indexes ``order_next_due_id`` and ``order_warn_at``. That is the warning the SLA scan gives at
  the moment of the scrape: between two scans it runs ahead of the marks on the orders by at most
  one scan interval (and it still rises when the scan has stopped).
  Measured on PostgreSQL on a table of 1,000,000 open orders' deadlines with these two indexes
  (87,000 red, 131,000 past their warning time), on the loaded 2-CPU machine: 15 + 34 ms as
  index-only scans (24 + 56 ms when busier). Right after a scan has rewritten a tenth of the
  table, and until VACUUM sets the pages all-visible again, the same counts read the table's
  pages (1.2–1.7 s): so on PostgreSQL they get ``ORDERS_TIMEOUT_MS`` and, past it, the scrape
  leaves the gauge out rather than hang (logged as a warning).
- the outbox: the unsent rows through an index that starts with ``status``.
- the heartbeats: one small row per process.

While the database is away the scrape still answers: ``minyi_database_up`` is 0 and the state
metrics are left out (a scrape must not fail because of what it reports).
"""

from __future__ import annotations

import logging
import math

from django.db import Error as DatabaseError
from django.db import connection, transaction
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from minyi.core import clock
from minyi.core.readiness import PROCESSES, age_seconds, newest_beats, outbox_unsent
from minyi.core.reconnect import DATABASE_OUTAGE

log = logging.getLogger(__name__)

# PostgreSQL: the most the two order counts may take together (module docstring)
ORDERS_TIMEOUT_MS = 250


def orders_by_warning(now) -> dict[str, int] | None:
    """Open orders in yellow and red at ``now`` (two index-only counts; module docstring), or
    ``None`` when they took longer than ``ORDERS_TIMEOUT_MS``."""
    try:
        if connection.vendor != "postgresql":  # (SQLite's BEGIN would take its write lock)
            return _counts(now)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {ORDERS_TIMEOUT_MS}")
            return _counts(now)
    except DatabaseError as exc:
        if not _cancelled(exc):
            raise
        log.warning("metrics: the orders' warning counts took over %s ms", ORDERS_TIMEOUT_MS)
        return None


def _counts(now) -> dict[str, int]:
    from minyi.orders.models import WorkOrder

    red = WorkOrder.objects.filter(next_due__lt=now).count()
    warned = WorkOrder.objects.filter(warn_at__lte=now).count()
    # two statements, two moments: an order turning red between them must not make yellow < 0
    return {"yellow": max(0, warned - red), "red": red}


def _cancelled(exc: BaseException) -> bool:
    """The statement timeout, not an outage (psycopg's QueryCanceled under Django's error)."""
    from psycopg.errors import QueryCanceled

    return isinstance(exc.__cause__, QueryCanceled)


class StateCollector:
    """A prometheus-client collector: ``collect()`` runs the queries at each scrape."""

    def collect(self):
        up = GaugeMetricFamily(
            "minyi_database_up", "1 when the database answered this scrape's queries, else 0."
        )
        try:
            beats = newest_beats()
            unsent = outbox_unsent()
            warnings = orders_by_warning(clock.now())
        except (DatabaseError, *DATABASE_OUTAGE) as exc:
            log.warning("metrics: database unavailable: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        now = timezone.now()  # wall clock, as /readyz: when a process was last alive

        yield GaugeMetricFamily(
            "minyi_outbox_pending_messages",
            "Messages (SMS and in-app notices) not sent yet: pending or being sent.",
            value=unsent["count"],
        )
        yield GaugeMetricFamily(
            "minyi_outbox_oldest_pending_age_seconds",
            "How long the oldest unsent message has waited (0 when none waits).",
            value=age_seconds(unsent["oldest"], now) or 0,
        )
        if warnings is not None:
            orders = GaugeMetricFamily(
                "minyi_open_orders_warning",
                "Open orders with a running deadline in yellow (within the warning time) or red "
                "(overdue), as the SLA rule says at the scrape.",
                labels=["level"],
            )
            for level, count in warnings.items():
                orders.add_metric([level], count)
            yield orders
        ages = GaugeMetricFamily(
            "minyi_heartbeat_age_seconds",
            "Seconds since the newest heartbeat of each kind of background process "
            "(+Inf: none ever beat).",
            labels=["kind"],
        )
        for kind, (key, _, _) in PROCESSES.items():
            age = age_seconds(beats.get(kind), now)
            ages.add_metric([key], math.inf if age is None else age)
        yield ages
