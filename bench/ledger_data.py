"""The ledger bench's dataset (issue 11): a year of orders in every state, each from its own
random story, written by COPY with the ledger row the services would have kept for it.

Each order's story is a list of events (kind, time, data, the department part's role), as the
services write them: registered, accepted, dispatched to a lead department (and half the time an
assisting one), signed, sometimes returned and dispatched again, extended, supervised, gone red,
replied, called back (satisfied or not, solved or not), sent back for redo, archived or put on
tracking (跟踪督办); some rejected at once, some merged into another order, some answered by the
hotline directly; the newest still open. The story is cut at the bench moment (``NOW``): an
order's state is where its story stands then.

The ledger row is folded from those events by ``minyi.ledger.facts.event_changes`` itself, the
function the services apply as each event is written (``row_apply``) and that
``facts.rows_rebuild`` folds from the log; the copied dimensions (channel, state, deadlines in
force, …) come from the order row as the last event left it. tests/bench/test_ledger_bench.py
writes a few generated orders with their events and checks that ``rows_rebuild`` folds exactly
the rows the generator wrote.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from bench.data import DEPARTMENTS, NAMES, SCAN_NOW, TITLES, TYPE_WEIGHTS

NUMBER_PREFIX = "LEDGER-"
NOW = SCAN_NOW  # the bench moment: 2026-12-29 00:05 Beijing time
SPAN = timedelta(days=395)  # the 13 months before it
START = NOW - SPAN
CHUNK = 50_000
EVENTS_PER_ORDER = 32  # event ids are order_id * 32 + k: a story's events, oldest first
PARTS_PER_ORDER = 4  # assignment ids are order_id * 4 + k

CHANNEL_WEIGHTS = [
    ("deputy_call", 15),
    ("qr_message", 5),
    ("citizen_call", 50),
    ("web", 30),
]
# the deputies' highest level, as in a prefecture-level city's registry
LEVEL_WEIGHTS = [
    ("national", 1),
    ("provincial", 3),
    ("city", 14),
    ("county", 34),
    ("township", 48),
]
COUNTIES = ("东湖区", "西山区", "南岭县", "北塘县")
TOWNSHIPS_PER_COUNTY = 10
CATEGORIES = {
    "城市管理": ("市容环境", "占道经营", "违章搭建", "路灯照明", "环境卫生"),
    "住房建设": ("物业服务", "房屋质量", "老旧小区改造", "供热"),
    "交通出行": ("道路设施", "公交服务", "交通秩序", "停车管理"),
    "生态环境": ("噪声污染", "大气污染", "水污染", "油烟扰民"),
    "劳动社保": ("欠薪讨薪", "社保缴纳", "就业创业"),
    "教育卫健": ("入学招生", "医疗服务", "医保报销", "食品安全"),
    "公用事业": ("供水", "供电", "燃气", "通信"),
    "农业农村": ("农村道路", "饮水安全", "土地承包"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰辉建国红志文斌海燕飞鹏云峰波"


def _lognormal(rng: random.Random, median_hours: float, sigma: float) -> timedelta:
    return timedelta(seconds=rng.lognormvariate(math.log(median_hours * 3600), sigma))


@dataclass
class Reference:
    """The ids the generated orders point at (made by ``reference_make`` or read back)."""

    departments: list  # [(id, name)]
    categories: list  # leaf category ids
    regions: list  # township region ids
    deputies: list  # deputy ids
    deputy_levels: dict  # deputy id -> its levels, highest first
    request_types: list  # [(id, code, is_report)]
    rules: list  # TimeLimitRule instances


def reference_make(deputies: int, rng_seed: int = 11) -> Reference:
    """The city the orders come from, created through the ORM unless already there: regions,
    departments, categories, congresses and deputies with mandates (a few thousand)."""
    from django.db import transaction

    from minyi.deputies.models import Congress, Deputy, LiaisonStation, Mandate
    from minyi.reference.models import Category, Department, Region

    rng = random.Random(rng_seed)
    with transaction.atomic():
        city, _ = Region.objects.get_or_create(
            parent=None, name="基准市", defaults={"level": "city"}
        )
        townships = []
        for county_name in COUNTIES:
            county, _ = Region.objects.get_or_create(
                parent=city, name=county_name, defaults={"level": "county"}
            )
            for t in range(1, TOWNSHIPS_PER_COUNTY + 1):
                township, _ = Region.objects.get_or_create(
                    parent=county, name=f"{county_name[:2]}第{t}镇", defaults={"level": "township"}
                )
                townships.append((county, township))
        for name in DEPARTMENTS:
            Department.objects.get_or_create(
                name=f"基准市{name}", defaults={"region": city, "short_name": name[:32]}
            )
        for top, children in CATEGORIES.items():
            parent, _ = Category.objects.get_or_create(parent=None, name=top)
            for child in children:
                Category.objects.get_or_create(parent=parent, name=child)
        if Deputy.objects.count() < deputies:
            Mandate.objects.all().delete()
            Deputy.objects.all().delete()
            congresses = {
                "national": Congress.objects.get_or_create(
                    name="全国人大", defaults={"level": "national"}
                )[0],
                "provincial": Congress.objects.get_or_create(
                    name="基准省人大", defaults={"level": "provincial"}
                )[0],
                "city": Congress.objects.get_or_create(
                    name="基准市人大", defaults={"level": "city", "region": city}
                )[0],
            }
            county_congress = {}
            township_congress = {}
            for county, township in townships:
                county_congress[county.pk] = Congress.objects.get_or_create(
                    name=f"基准市{county.name}人大", defaults={"level": "county", "region": county}
                )[0]
                station, _ = LiaisonStation.objects.get_or_create(
                    name=f"{township.name}人大代表联络站", defaults={"region": township}
                )
                township_congress[township.pk] = (
                    Congress.objects.get_or_create(
                        name=f"{county.name}{township.name}人大",
                        defaults={"level": "township", "region": township},
                    )[0],
                    station,
                )
            people = Deputy.objects.bulk_create(
                Deputy(
                    name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
                )
                for _ in range(deputies)
            )
            levels = [w for _, w in LEVEL_WEIGHTS]
            seats = []
            for person in people:
                top = rng.choices([lv for lv, _ in LEVEL_WEIGHTS], levels)[0]
                county, township = rng.choice(townships)
                congress, station = township_congress[township.pk]
                if top in congresses:
                    seats.append(Mandate(deputy=person, congress=congresses[top], level=top))
                if top in ("national", "provincial", "city", "county") and rng.random() < 0.5:
                    seats.append(
                        Mandate(deputy=person, congress=county_congress[county.pk], level="county")
                    )
                elif top == "county":
                    seats.append(
                        Mandate(deputy=person, congress=county_congress[county.pk], level="county")
                    )
                if top == "township" or rng.random() < 0.3:
                    seats.append(
                        Mandate(deputy=person, congress=congress, level="township", station=station)
                    )
            Mandate.objects.bulk_create(seats)
    return reference_read()


def reference_read() -> Reference:
    from minyi.deputies.models import Deputy
    from minyi.ledger.facts import deputy_levels
    from minyi.reference.models import Category, Department, Region, RequestType, TimeLimitRule

    deputy_ids = list(Deputy.objects.order_by("pk").values_list("pk", flat=True))
    types = {t.code: t for t in RequestType.objects.all()}
    missing = {code for code, _ in TYPE_WEIGHTS} - set(types)
    if missing:
        raise SystemExit(f"request types missing from the seed: {sorted(missing)}")
    return Reference(
        departments=list(
            Department.objects.filter(name__startswith="基准市")
            .order_by("pk")
            .values_list("pk", "name")
        ),
        categories=list(
            Category.objects.filter(parent__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        regions=list(
            Region.objects.filter(level="township").order_by("pk").values_list("pk", flat=True)
        ),
        deputies=deputy_ids,
        deputy_levels=deputy_levels(deputy_ids),
        request_types=[(types[c].pk, c, types[c].is_report) for c, _ in TYPE_WEIGHTS],
        rules=list(TimeLimitRule.objects.all()),
    )


def part_status(part: dict, at: datetime) -> str:
    """A department part's status at ``at`` from the times in its story."""
    status = "pending"
    for key, then in (
        ("signed_at", "signed"),
        ("requested_at", "return_requested"),
        ("refused_at", "signed"),
        ("replied_at", "replied"),
    ):
        if part.get(key) and part[key] < at:
            status = then
    if part.get("returned_at") and part["returned_at"] < at:
        status = "returned"
    if part.get("cancelled_at") and part["cancelled_at"] < at and status != "replied":
        status = "cancelled"
    return status


class Story:
    """One order's events as the services would write them, oldest first."""

    def __init__(self):
        self.events: list[tuple] = []  # (at, kind, data, part index or None, to_status)
        self.status = "draft"

    def add(self, at, kind, data=None, part=None, to=None):
        self.events.append((at, kind, data or {}, part, to))


class LedgerGenerator:
    """Rows for orders ``start`` .. ``start + count - 1``: orders, their department parts, their
    events and their ledger rows (each a tuple in the column order of ``Table.copy_sql``)."""

    def __init__(self, ref: Reference):
        from bench.generate import Table
        from minyi.ledger.models import LedgerRow
        from minyi.orders.models import Assignment, OrderEvent, WorkOrder
        from minyi.reference.limits import Limit, limits_for_order
        from minyi.workdays.calendar import get_calendar

        self.ref = ref
        self.cal = get_calendar()
        self.orders = Table(WorkOrder)
        self.assignments = Table(Assignment)
        self.events = Table(OrderEvent)
        self.ledger = Table(LedgerRow)
        self.dept_names = dict(ref.departments)
        self.dept_ids = [pk for pk, _ in ref.departments]
        self.channels = [c for c, _ in CHANNEL_WEIGHTS]
        self.channel_weights = [w for _, w in CHANNEL_WEIGHTS]
        self.type_weights = [w for _, w in TYPE_WEIGHTS]
        # a few deputies call often, most seldom (Zipf-like)
        self.deputy_cum = list(
            itertools.accumulate(1 / (k + 1) ** 0.8 for k in range(len(ref.deputies)))
        )
        self.channel_cum = list(itertools.accumulate(self.channel_weights))
        self.type_cum = list(itertools.accumulate(self.type_weights))
        self.limits = {}
        for type_id, _code, _report in ref.request_types:
            for urgency in ("normal", "urgent"):
                for complexity in ("normal", "complex"):
                    key = SimpleNamespace(
                        request_type_id=type_id, urgency=urgency, complexity=complexity
                    )
                    snap = limits_for_order(key, ref.rules)
                    self.limits[(type_id, urgency, complexity)] = (
                        json.dumps(snap),
                        Limit.from_dict(snap["sign"]),
                        Limit.from_dict(snap["handle"]),
                    )

    # -- the story -----------------------------------------------------------------------------

    def story(self, rng: random.Random, order_id: int) -> dict:
        """One order: its attributes, its department parts and its events (not yet cut at NOW)."""
        cal = self.cal
        created = START + timedelta(seconds=rng.uniform(0, SPAN.total_seconds()))
        channel = rng.choices(self.channels, cum_weights=self.channel_cum)[0]
        deputy = None
        if channel in ("deputy_call", "qr_message"):
            deputy = rng.choices(self.ref.deputies, cum_weights=self.deputy_cum)[0]
        type_id, code, is_report = rng.choices(self.ref.request_types, cum_weights=self.type_cum)[0]
        urgency = "urgent" if rng.random() < 0.04 else "normal"
        complexity = "complex" if rng.random() < 0.08 else "normal"
        limits_json, sign_limit, handle_limit = self.limits[(type_id, urgency, complexity)]
        order = {
            "id": order_id,
            "channel": channel,
            "deputy_id": deputy,
            "request_type_id": type_id,
            "is_report": is_report,
            "urgency": urgency,
            "complexity": complexity,
            "category_id": rng.choice(self.ref.categories),
            "region_id": rng.choice(self.ref.regions),
            "created_at": created,
            "limits": limits_json,
        }
        parts: list[dict] = []  # {"dept", "role", "dispatched_at", "sign_due", "reply_due", …}
        s = Story()
        s.add(created, "created", {"channel": channel}, to="draft")
        t = created + timedelta(seconds=rng.uniform(20, 600))
        fate = rng.random()
        if fate < 0.03:  # 不予受理
            s.add(t, "rejected", {"reason": "out_of_scope"}, to="rejected")
            return {"order": order, "parts": parts, "story": s}
        s.add(t, "accepted", {"warning": "none"}, to="accepted")
        if fate < 0.05 and order_id > 1:  # a duplicate, merged into an earlier order
            s.add(t + _lognormal(rng, 2, 0.8), "merged", {"master": order_id - 1}, to="merged")
            order["master_id"] = order_id - 1
            return {"order": order, "parts": parts, "story": s}
        if fate < 0.13 and code == "consult" or fate < 0.07:  # the hotline answers at once
            t += _lognormal(rng, 0.3, 0.6)
            s.add(t, "direct_answer", {}, to="callback")
            order["replied_at"] = t
            self._callback(rng, s, order, t, redo_allowed=False)
            return {"order": order, "parts": parts, "story": s}

        def dispatch(at, lead, assisting):
            names = [self.dept_names[lead]] + [self.dept_names[d] for d in assisting]
            new = []
            for dept, role in [(lead, "lead")] + [(d, "assisting") for d in assisting]:
                sign_due = cal.due(at, sign_limit.amount, sign_limit.unit)
                part = {
                    "index": len(parts),
                    "dept": dept,
                    "role": role,
                    "dispatched_at": at,
                    "sign_due": sign_due,
                    "reply_due": None,
                    "status": "pending",
                }
                if handle_limit.clock_start == "dispatch":
                    part["reply_clock_start"] = at
                    part["reply_due"] = cal.due(at, handle_limit.amount, handle_limit.unit)
                parts.append(part)
                new.append(part)
            s.add(
                at,
                "dispatched",
                {
                    "warning": "none",
                    "lead": lead,
                    "assisting": list(assisting),
                    "departments": names,
                    "sign_due": new[0]["sign_due"].isoformat(),
                    "dispatch_on_time": at - dispatch_from <= timedelta(hours=4),
                },
                to="dispatched",
            )
            return new

        def sign(part, at):
            if part["reply_due"] is None:
                part["reply_clock_start"] = at
                part["reply_due"] = cal.due(at, handle_limit.amount, handle_limit.unit)
            part["signed_at"], part["status"] = at, "signed"
            lead = part["role"] == "lead"
            s.add(
                at,
                "signed",
                {
                    "department": self.dept_names[part["dept"]],
                    "on_time": at <= part["sign_due"].at,
                    "reply_due": part["reply_due"].isoformat(),
                },
                part["index"],
                to="signed" if lead else None,
            )

        dispatch_from = t
        t += _lognormal(rng, 1.0, 1.0)
        lead_dept, *others = rng.sample(self.dept_ids, 3)
        assisting = [others[0]] if rng.random() < 0.5 else []
        current = dispatch(t, lead_dept, assisting)
        lead = current[0]
        t_sign = t + _lognormal(rng, 3, 1.1)
        for part in current[1:]:
            sign(part, t + _lognormal(rng, 3, 1.1))
        sign(lead, t_sign)
        t = t_sign
        roll = rng.random()
        if roll < 0.04:  # the lead asks to return it; the dispatcher agrees and dispatches anew
            t += _lognormal(rng, 4, 0.8)
            s.add(t, "return_requested", {}, lead["index"], to="returned")
            lead["requested_at"] = t
            t += _lognormal(rng, 2, 0.8)
            lead["returned_at"] = t
            for part in current[1:]:
                part["cancelled_at"] = t
            s.add(
                t,
                "return_accepted",
                {"department": self.dept_names[lead["dept"]]},
                lead["index"],
                to="accepted",
            )
            t += _lognormal(rng, 1, 0.8)
            dispatch_from = t
            lead = dispatch(t, others[1], [])[0]
            t += _lognormal(rng, 2, 1.0)
            sign(lead, t)
        elif roll < 0.06:  # asked to return, refused
            t += _lognormal(rng, 4, 0.8)
            s.add(t, "return_requested", {}, lead["index"], to="returned")
            lead["requested_at"] = t
            t += _lognormal(rng, 2, 0.8)
            lead["refused_at"] = t
            s.add(t, "return_refused", {}, lead["index"], to="signed")
        handling = _lognormal(rng, 60, 0.9)
        if rng.random() < 0.04:  # an extension of five working days
            t_ext = t + handling / 2
            s.add(t_ext, "extension_requested", {}, lead["index"])
            t_ext += _lognormal(rng, 3, 0.8)
            lead["reply_due"] = cal.due(lead["reply_due"].at, 5, "working_days")
            s.add(
                t_ext, "extension_approved", {"due": lead["reply_due"].isoformat()}, lead["index"]
            )
        if rng.random() < 0.03:
            s.add(t + handling / 3, "supervised", {"level": "yellow"})
            order["supervision"] = "yellow"
        for part in parts:
            if (
                part["status"] == "signed"
                and part["role"] == "assisting"
                and not part.get("cancelled_at")
            ):
                at = t + handling * rng.uniform(0.3, 0.9)
                part["replied_at"], part["status"] = at, "replied"
                s.add(
                    at,
                    "replied",
                    {
                        "on_time": at <= part["reply_due"].at,
                        "solved": "solved",
                        "method": "phone",
                        "department": self.dept_names[part["dept"]],
                    },
                    part["index"],
                )
        t += handling
        due = lead["reply_due"].at
        if t > due:  # the scan turned it red before the reply
            s.add(
                min(t, due + timedelta(minutes=5)),
                "warning",
                {"from": "yellow", "to": "red"},
                to=None,
            )
        self._reply(rng, s, order, lead, t)
        self._callback(rng, s, order, t, lead=lead)
        return {"order": order, "parts": parts, "story": s}

    def _reply(self, rng, s, order, lead, at):
        solved = rng.choices(("solved", "partly", "not_yet"), (85, 10, 5))[0]
        lead["replied_at"], lead["status"] = at, "replied"
        order["replied_at"] = at
        s.add(
            at,
            "replied",
            {
                "on_time": at <= lead["reply_due"].at,
                "solved": solved,
                "method": "phone",
                "department": self.dept_names[lead["dept"]],
            },
            lead["index"],
            to="replied",
        )

    def _callback(self, rng, s, order, at, *, lead=None, redo_allowed=True):
        at += _lognormal(rng, 20, 0.8)
        satisfaction = rng.choices(
            ("satisfied", "basically", "dissatisfied", "unreachable"), (78, 11, 6, 5)
        )[0]
        reached = satisfaction != "unreachable"
        solved = (
            (rng.random() < (0.35 if satisfaction == "dissatisfied" else 0.9)) if reached else None
        )
        s.add(
            at,
            "called_back",
            {"satisfaction": satisfaction, "solved": solved, "rater": "requester"},
            to="callback",
        )
        if reached:
            order["satisfaction"], order["solved_confirmed"] = satisfaction, solved
        if (
            redo_allowed
            and lead is not None
            and satisfaction == "dissatisfied"
            and rng.random() < 0.6
        ):
            at += _lognormal(rng, 2, 0.8)
            order["redo_count"] = order.get("redo_count", 0) + 1
            lead["reply_due"] = self.cal.due(at, 5, "working_days")
            s.add(at, "redo", {"due": lead["reply_due"].isoformat()}, lead["index"], to="signed")
            at += _lognormal(rng, 48, 0.8)
            self._reply(rng, s, order, lead, at)
            self._callback(rng, s, order, at, lead=lead, redo_allowed=False)
            return
        at += _lognormal(rng, 4, 0.8)
        if reached and not solved and lead is not None and rng.random() < 0.6:
            s.add(at, "tracking_opened", {"satisfaction": satisfaction}, to="tracking")
            at += _lognormal(rng, 240, 0.8)
            s.add(at, "tracking_done", {}, to="tracking")
            at += _lognormal(rng, 48, 0.8)
            s.add(at, "tracking_confirmed", {}, to="archived")
            order["closed_at_event"] = "tracking_confirmed"
            return
        s.add(at, "archived", {"satisfaction": satisfaction}, to="archived")

    # -- the rows ------------------------------------------------------------------------------

    def chunk(self, start: int, count: int, *, with_events: bool = False):
        """Rows of orders ``start + 1`` .. ``start + count``: (orders, assignments, events,
        ledger rows), each a list of tuples in the table's column order; deterministic."""
        from minyi.ledger.facts import ADD, First, event_changes, level_fields

        rng = random.Random(start * 7907 + 3)
        orders, assignments, events, ledger = [], [], [], []
        order_row, part_row, event_row, ledger_row = (
            self.orders.row,
            self.assignments.row,
            self.events.row,
            self.ledger.row,
        )
        dumps = json.dumps
        for i in range(start, start + count):
            order_id = i + 1
            built = self.story(rng, order_id)
            o, parts = built["order"], built["parts"]
            # cut at the bench moment: the order stands where its story is at NOW
            kept = sorted((e for e in built["story"].events if e[0] < NOW), key=lambda e: e[0])
            status = "draft"
            folded: dict[str, object] = {}
            last_id = 0
            closed_at = replied_at = None
            redo_count = 0
            for k, (at, kind, data, part, to) in enumerate(kept):
                from_status = status
                if to:
                    status = to
                event_id = order_id * EVENTS_PER_ORDER + k
                last_id = event_id
                lead = part is not None and parts[part]["role"] == "lead"
                if kind in ("rejected", "archived", "merged", "tracking_confirmed"):
                    closed_at = at
                # what the order row keeps itself (the services set it; the ledger copies it)
                if kind == "direct_answer" or (kind == "replied" and lead):
                    replied_at = at
                elif kind in ("redo", "supervised") and lead:  # the lead handles again
                    replied_at, redo_count = None, redo_count + 1
                if with_events:
                    events.append(
                        event_row(
                            id=event_id,
                            order_id=order_id,
                            assignment_id=(
                                order_id * PARTS_PER_ORDER + part if part is not None else None
                            ),
                            kind=kind,
                            at=at,
                            from_status=from_status,
                            to_status=status,
                            data=dumps(data, ensure_ascii=False, default=str),
                        )
                    )
                for name, change in event_changes(kind, at, data, lead=lead).items():
                    if change is ADD:
                        folded[name] = folded.get(name, 0) + 1
                    elif isinstance(change, First):
                        if folded.get(name) is None:
                            folded[name] = change.value
                    else:
                        folded[name] = change
            last_at = kept[-1][0]
            # the parts as they stand at NOW
            part_rows = []
            for part in parts:
                if part["dispatched_at"] >= NOW:
                    continue
                p_status = part_status(part, NOW)
                signed = part.get("signed_at")
                signed = signed if signed and signed < NOW else None
                replied = part.get("replied_at")
                replied = replied if replied and replied < NOW else None
                if status in ("archived", "merged", "rejected", "tracking") and p_status in (
                    "pending",
                    "signed",
                ):
                    p_status = "cancelled"
                reply_due = (
                    part["reply_due"]
                    if part.get("reply_clock_start") and (part["reply_clock_start"] < NOW)
                    else None
                )
                part["now_status"] = p_status
                part["now_reply_due"] = reply_due
                part_rows.append(
                    part_row(
                        id=order_id * PARTS_PER_ORDER + part["index"],
                        order_id=order_id,
                        department_id=part["dept"],
                        role=part["role"],
                        status=p_status,
                        dispatched_at=part["dispatched_at"],
                        signed_at=signed,
                        replied_at=replied,
                        limits=o["limits"],
                        sign_due=part["sign_due"].at,
                        sign_due_provisional=part["sign_due"].provisional,
                        reply_clock_start=part.get("reply_clock_start") if reply_due else None,
                        reply_due=reply_due.at if reply_due else None,
                        reply_due_provisional=reply_due.provisional if reply_due else False,
                    )
                )
            assignments += part_rows
            # the deadlines in force (order_sync_deadlines): only while a department holds it
            sign_due = reply_due = next_due = warn_at = None
            warning = "none"
            if status in ("dispatched", "returned", "signed"):
                active = [p for p in parts if p.get("now_status") in ("pending", "signed")]
                pending = [p["sign_due"].at for p in active if p["now_status"] == "pending"]
                sign_due = min(pending) if pending else None
                lead_part = next((p for p in active if p["role"] == "lead"), None)
                if lead_part is not None and lead_part["now_reply_due"] is not None:
                    reply_due = lead_part["now_reply_due"].at
                duties = pending + [
                    p["now_reply_due"].at for p in active if p["now_reply_due"] is not None
                ]
                if duties:
                    next_due = min(duties)
                    warn_at = self.cal.subtract_working_hours(next_due, 24)
                    warning = "red" if next_due < NOW else "yellow" if warn_at <= NOW else "none"
            satisfaction = folded.get("satisfaction") or ""
            title = rng.choice(TITLES)
            number = f"{NUMBER_PREFIX}{order_id:09d}"
            orders.append(
                order_row(
                    id=order_id,
                    number=number,
                    channel=o["channel"],
                    status=status,
                    requester_name=rng.choice(NAMES),
                    requester_phone=f"+86139{rng.randrange(10**8):08d}",
                    protect_identity=o["is_report"],
                    deputy_id=o["deputy_id"],
                    request_type_id=o["request_type_id"],
                    urgency=o["urgency"],
                    complexity=o["complexity"],
                    category_id=o["category_id"],
                    region_id=o["region_id"],
                    address="基准市东湖区某街道",
                    title=title,
                    content=f"{title}，请相关部门尽快处理。（台账基准数据 {order_id}）",
                    sign_due=sign_due,
                    reply_due=reply_due,
                    next_due=next_due,
                    warn_at=warn_at,
                    warning=warning,
                    supervision=o.get("supervision", "none")
                    if status not in ("archived", "rejected", "merged")
                    else "none",
                    master_id=o.get("master_id") if status == "merged" else None,
                    redo_count=redo_count,
                    satisfaction=satisfaction,
                    solved_confirmed=folded.get("solved") if satisfaction else None,
                    created_at=o["created_at"],
                    accepted_at=folded.get("accepted_at"),
                    replied_at=replied_at,
                    closed_at=closed_at,
                    updated_at=last_at,
                )
            )
            levels = self.ref.deputy_levels.get(o["deputy_id"], ()) if o["deputy_id"] else ()
            # as facts.row_fold: the fold, then the order's own columns (its deadlines while set)
            row = {**folded, "replied_at": replied_at, "closed_at": closed_at}
            row["redo_count"] = redo_count
            if sign_due is not None:
                row["sign_due"] = sign_due
            if reply_due is not None:
                row["reply_due"] = reply_due
            if replied_at is None:
                row["reply_on_time"] = None
            ledger.append(
                ledger_row(
                    order_id=order_id,
                    channel=o["channel"],
                    status=status,
                    created_at=o["created_at"],
                    deputy_id=o["deputy_id"],
                    **level_fields(levels),
                    request_type_id=o["request_type_id"],
                    category_id=o["category_id"],
                    region_id=o["region_id"],
                    last_event_id=last_id,
                    **row,
                )
            )
        return orders, assignments, events, ledger
