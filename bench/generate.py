"""Figure 2, the rows: open orders as they stand at the scan, each from its own random story."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from bench.data import (
    HORIZON,
    NAMES,
    NUMBER_PREFIX,
    PREVIOUS_SCAN,
    SCAN_NOW,
    TITLES,
    TYPE_WEIGHTS,
    Fixtures,
)


def _lognormal_seconds(rng: random.Random, median_hours: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median_hours * 3600), sigma)


class Table:
    """A model's concrete columns with their defaults, for building COPY rows."""

    def __init__(self, model, skip=()):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.column not in skip]
        self.columns = [f.column for f in self.fields]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        template = []
        for f in self.fields:
            value = f.get_default() if f.has_default() else None
            if isinstance(value, dict | list):
                value = json.dumps(value)
            if value is None and not f.null and f.get_internal_type() in ("CharField", "TextField"):
                value = ""
            template.append(value)
        self.template = template

    def copy_sql(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.columns)
        return f'COPY "{self.model._meta.db_table}" ({cols}) FROM STDIN'

    def row(self, **values) -> tuple:
        row = list(self.template)
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        return tuple(row)


@dataclass
class LoadStats:
    orders: int = 0
    assignments: int = 0
    events: int = 0
    seconds: float = 0.0
    levels: dict = field(default_factory=dict)
    newly: dict = field(default_factory=dict)  # what the scan at SCAN_NOW should mark


class Generator:
    """Open orders as they would stand at ``SCAN_NOW``, each built from its own random story:
    dispatched at some moment, signed (or not yet) by each department, deadlines computed by the
    calendar exactly as ``deadlines.assignment_start_clocks`` / ``order_sync_deadlines`` do, and
    the warning as the previous scan left it."""

    def __init__(self, fx: Fixtures):
        from minyi.orders.models import Assignment, OrderEvent, WorkOrder
        from minyi.reference.limits import Limit, limits_for_order
        from minyi.workdays.calendar import get_calendar

        self.cal = get_calendar()
        self.fx = fx
        self.orders = Table(WorkOrder)
        self.assignments = Table(Assignment)
        self.events = Table(OrderEvent, skip={"id"})
        self.dept_ids = [d.pk for d in fx.departments]
        self.dept_names = {d.pk: d.name for d in fx.departments}
        self.type_choices = [fx.request_types[c] for c, _ in TYPE_WEIGHTS]
        self.type_weights = [w for _, w in TYPE_WEIGHTS]
        self.limits = {}  # (type id, urgency, complexity) -> (json, sign, ret, handle)
        for rt in self.type_choices:
            for urgency in ("normal", "urgent"):
                for complexity in ("normal", "complex"):
                    key = SimpleNamespace(
                        request_type_id=rt.pk, urgency=urgency, complexity=complexity
                    )
                    snap = limits_for_order(key, fx.rules)
                    self.limits[(rt.pk, urgency, complexity)] = (
                        json.dumps(snap),
                        Limit.from_dict(snap["sign"]),
                        Limit.from_dict(snap["return"]),
                        Limit.from_dict(snap["handle"]),
                    )

    @staticmethod
    def level(next_due, warn_at, at) -> str:
        if next_due is None:
            return "none"
        if next_due < at:
            return "red"
        if warn_at is not None and warn_at <= at:
            return "yellow"
        return "none"

    def chunk(self, start: int, count: int, stats: LoadStats):
        """Rows for the orders ``start`` .. ``start + count - 1`` (ids ``start + 1`` …)."""
        from minyi.orders.services.deadlines import WARNING_LEAD_HOURS

        rng = random.Random(start * 7919 + 17)
        cal = self.cal
        orders, assignments, events = [], [], []
        order_row, assignment_row, event_row = (
            self.orders.row,
            self.assignments.row,
            self.events.row,
        )
        horizon = HORIZON.total_seconds()
        dumps = json.dumps
        for i in range(start, start + count):
            # An order is still open if its handling takes longer than its age (rejection
            # sampling of a steady flow: dispatched uniformly over the horizon, handled in a
            # log-normal time with a median of 2.5 days).
            while True:
                age = rng.uniform(60, horizon)
                if _lognormal_seconds(rng, 60, 0.9) > age:
                    break
            dispatched = SCAN_NOW - timedelta(seconds=age)
            created = dispatched - timedelta(seconds=rng.uniform(300, 3 * 3600))
            accepted = created + timedelta(seconds=rng.uniform(30, 240))
            rt = rng.choices(self.type_choices, self.type_weights)[0]
            urgency = "urgent" if rng.random() < 0.04 else "normal"
            complexity = "complex" if rng.random() < 0.08 else "normal"
            limits_json, sign, ret, handle = self.limits[(rt.pk, urgency, complexity)]

            lead, assist = rng.sample(self.dept_ids, 2)
            sign_due = cal.due(dispatched, sign.amount, sign.unit)
            return_due = cal.due(dispatched, ret.amount, ret.unit)
            parts = []
            for dept, role in ((lead, "lead"), (assist, "assisting")):
                signed_at = dispatched + timedelta(seconds=_lognormal_seconds(rng, 3, 1.1))
                if signed_at >= SCAN_NOW:
                    signed_at = None
                if handle.clock_start == "dispatch":
                    clock_start = dispatched
                else:
                    clock_start = signed_at
                reply = cal.due(clock_start, handle.amount, handle.unit) if clock_start else None
                parts.append((dept, role, signed_at, clock_start, reply))
            # the warning order_dispatch wrote: both departments pending at dispatch
            at_dispatch = [sign_due.at] + [p[4].at for p in parts if p[3] == dispatched]
            first_due = min(at_dispatch)
            dispatch_level = self.level(
                first_due, cal.subtract_working_hours(first_due, WARNING_LEAD_HOURS), dispatched
            )
            lead_signed = parts[0][2] is not None
            status = "signed" if lead_signed else "dispatched"

            # order_sync_deadlines: the earliest duty of the active assignments
            duties = [(sign_due.at, sign_due.provisional) for p in parts if p[2] is None]
            duties += [(p[4].at, p[4].provisional) for p in parts if p[4] is not None]
            next_due = min(d for d, _ in duties)
            warn_at = cal.subtract_working_hours(next_due, WARNING_LEAD_HOURS)
            provisional = any(p for _, p in duties)
            lead_reply = parts[0][4]
            # the warning as the last write left it: the previous scan, or a later signature
            touched = max([PREVIOUS_SCAN] + [p[2] for p in parts if p[2] is not None])
            warning = self.level(next_due, warn_at, touched)
            stats.levels[warning] = stats.levels.get(warning, 0) + 1
            now_level = self.level(next_due, warn_at, SCAN_NOW)
            if now_level != warning:
                stats.newly[now_level] = stats.newly.get(now_level, 0) + 1
            updated = touched if touched > PREVIOUS_SCAN else dispatched

            order_id = i + 1
            orders.append(
                order_row(
                    id=order_id,
                    number=f"{NUMBER_PREFIX}{order_id:09d}",
                    channel="citizen_call" if rng.random() < 0.7 else "web",
                    status=status,
                    requester_name=rng.choice(NAMES),
                    requester_phone=f"+86138{rng.randrange(10**8):08d}",
                    protect_identity=rt.is_report,
                    request_type_id=rt.pk,
                    urgency=urgency,
                    complexity=complexity,
                    region_id=self.fx.region_id,
                    address="基准市雁峰区某街道",
                    title=(title := rng.choice(TITLES)),
                    content=f"{title}，请相关部门尽快处理。（基准测试数据 {order_id}）",
                    sign_due=sign_due.at if not all(p[2] for p in parts) else None,
                    return_due=return_due.at,
                    reply_due=lead_reply.at if lead_reply else None,
                    next_due=next_due,
                    warn_at=warn_at,
                    deadline_provisional=provisional,
                    warning=warning,
                    created_at=created,
                    accepted_at=accepted,
                    updated_at=updated,
                )
            )
            events.append(
                event_row(
                    order_id=order_id,
                    kind="created",
                    at=created,
                    to_status="draft",
                    data='{"channel": "citizen_call"}',
                )
            )
            events.append(
                event_row(
                    order_id=order_id,
                    kind="accepted",
                    at=accepted,
                    from_status="draft",
                    to_status="accepted",
                    data='{"warning": "none"}',
                )
            )
            events.append(
                event_row(
                    order_id=order_id,
                    kind="dispatched",
                    at=dispatched,
                    from_status="accepted",
                    to_status="dispatched",
                    data=dumps(
                        {
                            "warning": dispatch_level,
                            "lead": lead,
                            "assisting": [assist],
                            "departments": [self.dept_names[lead], self.dept_names[assist]],
                            "sign_due": sign_due.isoformat(),
                        },
                        ensure_ascii=False,
                    ),
                )
            )
            for k, (dept, role, signed_at, clock_start, reply) in enumerate(parts):
                assignment_id = 2 * i + 1 + k
                assignments.append(
                    assignment_row(
                        id=assignment_id,
                        order_id=order_id,
                        department_id=dept,
                        role=role,
                        status="signed" if signed_at else "pending",
                        dispatched_at=dispatched,
                        signed_at=signed_at,
                        limits=limits_json,
                        sign_due=sign_due.at,
                        sign_due_provisional=sign_due.provisional,
                        return_due=return_due.at,
                        return_due_provisional=return_due.provisional,
                        reply_clock_start=clock_start,
                        reply_due=reply.at if reply else None,
                        reply_due_provisional=reply.provisional if reply else False,
                    )
                )
                if signed_at:
                    events.append(
                        event_row(
                            order_id=order_id,
                            assignment_id=assignment_id,
                            kind="signed",
                            at=signed_at,
                            from_status="dispatched",
                            to_status="signed" if role == "lead" else "dispatched",
                            data=dumps(
                                {
                                    "department": self.dept_names[dept],
                                    "on_time": signed_at <= sign_due.at,
                                    "reply_due": reply.isoformat() if reply else None,
                                },
                                ensure_ascii=False,
                            ),
                        )
                    )
            if warning != "none":
                crossed = next_due if warning == "red" else warn_at
                at = min(max(crossed, dispatched) + timedelta(minutes=5), PREVIOUS_SCAN)
                events.append(
                    event_row(
                        order_id=order_id,
                        kind="warning",
                        at=at,
                        from_status=status,
                        to_status=status,
                        data=f'{{"from": "none", "to": "{warning}"}}',
                    )
                )
        return orders, assignments, events
