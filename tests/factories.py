"""Factories for reference data and people, and helpers that bring an order into a given state.

Orders are never built by setting ``status`` by hand: ``make_order(state=...)`` walks the
order through the same services a user would, at the frozen ``clock.now()`` (or ``at``).
Request types, time-limit rules and scope reasons are seeded by migrations, so they are
fetched (``request_type("complain")``, ``scope_reason("duplicate")``), not created.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
import pytest
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from minyi.accounts.models import Role, User
from minyi.core import clock
from minyi.deputies.models import Congress, Deputy, DeputyPhone, Level, Mandate
from minyi.mashang.services.messages import content_digest
from minyi.orders.models import (
    Assignment,
    AssignmentRole,
    AttachmentKind,
    Channel,
    EventKind,
    OrderEvent,
    ReplyMethod,
    Satisfaction,
    Solved,
    WorkOrder,
)
from minyi.orders.services.closing import (
    order_archive,
    order_callback,
    order_merge,
)
from minyi.orders.services.dispatch import (
    assignment_return_request,
    assignment_sign,
    attachment_add,
    order_dispatch,
)
from minyi.orders.services.handling import assignment_reply
from minyi.orders.services.intake import (
    REJECT,
    order_accept,
    order_create,
    order_decide,
    order_direct_answer,
)
from minyi.reference.models import (
    Category,
    Department,
    Region,
    RegionLevel,
    RequestType,
    ScopeReason,
)
from minyi.suggestions.services import suggestion_escalate

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*parts: int) -> datetime:
    """``at(2026, 3, 2, 10)`` is 2026-03-02 10:00 in Beijing time."""
    return datetime(*parts, tzinfo=SHANGHAI)


# -- reference data -------------------------------------------------------------------------


# An ordinary working Monday (2026-03-02 10:00, Asia/Shanghai) that most service tests start on.
MONDAY = at(2026, 3, 2, 10)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试区{n}")
    level = RegionLevel.COUNTY


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试承办单位{n}")
    region = factory.SubFactory(RegionFactory)
    is_active = True


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"诉求分类{n}")


def request_type(code: str) -> RequestType:
    return RequestType.objects.get(code=code)


def scope_reason(code: str) -> ScopeReason:
    return ScopeReason.objects.get(code=code)


# -- people ---------------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"测{n}")
    role = Role.OPERATOR
    # Unusable password: hashing a real one costs ~0.3 s per user, and these users never log in.
    password = factory.LazyFunction(lambda: make_password(None))


class HandlerFactory(UserFactory):
    role = Role.HANDLER
    department = factory.SubFactory(DepartmentFactory)


class CongressFactory(DjangoModelFactory):
    class Meta:
        model = Congress

    name = factory.Sequence(lambda n: f"测试{n}市人大")
    level = Level.CITY
    region = factory.SubFactory(RegionFactory)


class DeputyFactory(DjangoModelFactory):
    """A deputy with one primary phone number and one city-level mandate."""

    class Meta:
        model = Deputy
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"代表{n}")
    phone = factory.RelatedFactory(
        "tests.factories.DeputyPhoneFactory", factory_related_name="deputy"
    )
    mandate = factory.RelatedFactory(
        "tests.factories.MandateFactory", factory_related_name="deputy"
    )


class DeputyPhoneFactory(DjangoModelFactory):
    class Meta:
        model = DeputyPhone

    deputy = factory.SubFactory(DeputyFactory, phone=None, mandate=None)
    number = factory.Sequence(lambda n: f"+86139{n:08d}")
    is_primary = True


class MandateFactory(DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory, phone=None, mandate=None)
    congress = factory.SubFactory(CongressFactory)
    level = factory.SelfAttribute("congress.level")
    term = "第十七届"


# -- orders, through the services -------------------------------------------------------------

STATES = (
    "draft",
    "accepted",
    "rejected",
    "direct_answer",
    "dispatched",
    "signed",
    "returned",
    "replied",
    "callback",
    "tracking",
    "archived",
    "escalated",
    "merged",
)


def lead_of(order: WorkOrder) -> Assignment:
    """The live lead assignment (the newest one, after a return and re-dispatch)."""
    return order.assignments.filter(role=AssignmentRole.LEAD).order_by("-id").first()


def assisting_of(order: WorkOrder) -> list[Assignment]:
    return list(order.assignments.filter(role=AssignmentRole.ASSISTING).order_by("id"))


def leader_opinion(order: WorkOrder, *, actor=None, name: str = "领导签署意见.pdf"):
    """Upload the signed leader's opinion a return needs (DESIGN §3)."""
    return attachment_add(
        order=order,
        file=ContentFile(b"%PDF-1.4 signed", name=name),
        kind=AttachmentKind.LEADER_OPINION,
        actor=actor,
    )


# "tracking": the reply is 暂未解决 with this plan; archiving it opens the 跟踪督办
TRACKING_PLAN = {"plan": "协调市场监管部门设置临时疏导点", "plan_due": date(2026, 3, 20)}


def make_order(
    state: str = "draft",
    *,
    at: datetime | None = None,
    request_type_code: str = "complain",
    channel: str = Channel.CITIZEN_CALL,
    lead: Department | None = None,
    assisting: Sequence[Department] = (),
    operator: User | None = None,
    dispatcher: User | None = None,
    handler: User | None = None,
    agent: User | None = None,
    **fields,
) -> WorkOrder:
    """An order in ``state``, reached through the services at ``at`` (default: ``clock.now()``)."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}; choose from {STATES}")
    fields.setdefault("title", "小区门口占道经营")
    fields.setdefault("content", "每天傍晚有摊贩占用人行道，行人只能走机动车道。")
    if fields.get("deputy") is None and not fields.get("is_anonymous"):
        fields.setdefault("requester_name", "李群众")
    fields.setdefault("requester_phone", "+8613800138000")
    with clock.frozen(at or clock.now()):
        order = order_create(
            channel=channel,
            request_type=request_type(request_type_code),
            actor=operator,
            **fields,
        )
        if state == "draft":
            return order
        if state == "merged":
            master = make_order("accepted", operator=operator)
            order = order_accept(order=order, actor=operator)
            return order_merge(order=order, master=master, note="同一事项", actor=dispatcher)
        if state == "rejected":  # the intake decision: never accepted, one SMS
            return order_decide(
                order=order,
                decision=REJECT,
                reason=scope_reason("out_of_jurisdiction"),
                actor=operator,
            )
        order = order_accept(order=order, actor=operator)
        return order_walk(
            order,
            state,
            lead=lead,
            assisting=assisting,
            dispatcher=dispatcher,
            handler=handler,
            agent=agent,
            operator=operator,
        )


def order_walk(
    order: WorkOrder,
    state: str,
    *,
    lead: Department | None = None,
    assisting: Sequence[Department] = (),
    operator: User | None = None,
    dispatcher: User | None = None,
    handler: User | None = None,
    agent: User | None = None,
) -> WorkOrder:
    """An accepted ``order`` walked on through the services to ``state`` (make_order's path
    from acceptance: dispatch, sign, reply, callback, archive …), e.g. the order a 码上找代表
    message was forwarded as."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}; choose from {STATES}")
    if state == "accepted":
        return order
    if state == "escalated":
        suggestion_escalate(
            order=order,
            note="涉及多部门，转代表建议",
            actor=dispatcher or UserFactory(role=Role.DISPATCHER),
        )
        return WorkOrder.objects.get(pk=order.pk)
    if state == "direct_answer":
        return order_direct_answer(order=order, content="已按政策口径直接解答。", actor=operator)
    lead = lead or (handler.department if handler else None) or DepartmentFactory()
    order = order_dispatch(order=order, lead=lead, assisting=assisting, actor=dispatcher)
    if state == "dispatched":
        return order
    assignment = lead_of(order)
    if state == "returned":
        assignment_return_request(
            assignment=assignment,
            reason="不属于本单位职责",
            suggested_department=DepartmentFactory(),
            basis="《三定方案》未赋予本单位该项职责",
            leader_opinion=leader_opinion(order, actor=handler),
            actor=handler,
        )
        return WorkOrder.objects.get(pk=order.pk)
    assignment_sign(assignment=assignment, actor=handler)
    if state == "signed":
        return WorkOrder.objects.get(pk=order.pk)
    tracked = state == "tracking"
    assignment_reply(
        assignment=assignment,
        content="已清理占道摊点，并安排城管队员每日巡查。",
        method=ReplyMethod.PHONE,
        solved=Solved.NOT_YET if tracked else Solved.SOLVED,
        **(TRACKING_PLAN if tracked else {}),
        actor=handler,
    )
    order = WorkOrder.objects.get(pk=order.pk)
    if state == "replied":
        return order
    order_callback(
        order=order, satisfaction=Satisfaction.SATISFIED, solved=not tracked, actor=agent
    )
    if state == "callback":
        return WorkOrder.objects.get(pk=order.pk)
    return order_archive(order=order, actor=agent)


# -- assertions ------------------------------------------------------------------------------


def order_state(order: WorkOrder) -> dict:
    """What a user could see of an order: its row, its assignments, its ledger."""
    fresh = WorkOrder.objects.get(pk=order.pk)
    return {
        "status": fresh.status,
        "warning": fresh.warning,
        "supervision": fresh.supervision,
        "redo_count": fresh.redo_count,
        "next_due": fresh.next_due,
        "reply_due": fresh.reply_due,
        "master": fresh.master_id,
        "assignments": list(
            fresh.assignments.order_by("id").values_list("id", "status", "reply_due", "sign_due")
        ),
        "events": OrderEvent.objects.filter(order=fresh).count(),
        "replies": fresh.replies.count(),
        "callbacks": fresh.callbacks.count(),
    }


@contextmanager
def refused(error: type[Exception], *orders: WorkOrder, match: str | None = None) -> Iterator:
    """Expect ``error`` and check that nothing of the orders changed (nothing half-saved)."""
    before = [order_state(o) for o in orders]
    with pytest.raises(error, match=match) as info:
        yield info
    assert [order_state(o) for o in orders] == before


def events(order: WorkOrder, kind: str | None = None) -> list[OrderEvent]:
    qs = OrderEvent.objects.filter(order=order).order_by("at", "id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


def last_event(order: WorkOrder, *, warnings: bool = False) -> OrderEvent:
    """The order's newest event; the ``warning`` row an action may add after it is skipped
    unless ``warnings`` is set."""
    events = OrderEvent.objects.filter(order=order)
    if not warnings:
        events = events.exclude(kind=EventKind.WARNING)
    return events.order_by("-at", "-id").first()


# -- appended: deputy registry ----------------------------------------------------------------


class LiaisonStationFactory(DjangoModelFactory):
    class Meta:
        model = "deputies.LiaisonStation"

    name = factory.Sequence(lambda n: f"测试{n}人大代表联络站")
    region = factory.SubFactory(RegionFactory)


# -- calls (CTI webhook) ---------------------------------------------------------------------


class AgentMappingFactory(DjangoModelFactory):
    """An operator's PBX extension."""

    class Meta:
        model = "calls.AgentMapping"

    extension = factory.Sequence(lambda n: f"8{n:03d}")
    user = factory.SubFactory(UserFactory)


def cti_token(name: str = "测试 PBX"):
    """A CTI token made through the service: ``(row, plain token)``."""
    from minyi.calls.services import cti_token_create

    return cti_token_create(name=name)


def seat(deputy: Deputy, congress_name: str, level: str, **fields) -> Mandate:
    """Give ``deputy`` a mandate in ``congress_name`` (the congress is created when new)."""
    congress, _ = Congress.objects.get_or_create(name=congress_name, defaults={"level": level})
    fields.setdefault("term", "第十七届")
    return Mandate.objects.create(deputy=deputy, congress=congress, level=level, **fields)


# The callers' numbers of the personas 张三 (mobile) and 李四 (office landline), tests/conftest.py.
ZHANG_MOBILE = "+8613800138000"
LI_LANDLINE = "+8673185309270"


# -- form bodies -------------------------------------------------------------------------------


def console_intake(key: str, **fields) -> dict:
    """The console's intake form as 话务员 fills it for a citizen's call (受理), posted with
    ``key`` as its idempotency key; ``fields`` replace parts of it."""
    return {
        "channel": Channel.CITIZEN_CALL,
        "requester_name": "刘女士",
        "requester_phone": ZHANG_MOBILE,
        "request_type": request_type("complain").pk,
        "urgency": "normal",
        "complexity": "normal",
        "title": "小区路灯不亮",
        "content": "小区东门路灯连续一周不亮。",
        "decision": "accept",
        "idempotency_key": key,
        **fields,
    }


def keyed(data: dict | None = None, **fields) -> dict:
    """A form body as the page posts it: with a fresh idempotency key (the hidden field every
    state-changing form carries, minyi/core/idempotency.py), so each call is a new submission."""
    from minyi.core.idempotency import FIELD, new_key

    return {**(data or {}), **fields, FIELD: new_key()}


# -- 码上找代表: citizens' messages ------------------------------------------------------------


class MessageFactory(DjangoModelFactory):
    """A citizen's message to a deputy (选民留言), open with the deputy, written directly (the
    form's checks and limits are the service's, tested in tests/mashang)."""

    class Meta:
        model = "mashang.Message"

    tracking_code = factory.Sequence(lambda n: f"T{n:09d}")
    deputy = factory.SubFactory(DeputyFactory)
    content = factory.Sequence(lambda n: f"小区门口的路灯坏了第{n}盏，晚上很黑，请帮忙反映。")
    content_digest = factory.LazyAttribute(lambda o: content_digest(o.content))
    name = "王小明"
    phone = factory.Sequence(lambda n: f"+86137{n:08d}")
    consent_at = factory.LazyFunction(lambda: clock.now())
    created_at = factory.LazyFunction(lambda: clock.now())
    updated_at = factory.LazyAttribute(lambda o: o.created_at)


# -- the clue library (线索库) and professional groups (专业小组) --------------------------------


class ProfessionalGroupFactory(DjangoModelFactory):
    """A professional group (专业小组); add members with ``group.deputies.add(...)``."""

    class Meta:
        model = "deputies.ProfessionalGroup"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"专业小组{n}")


# -- routing hints: a history to train on ------------------------------------------------------

# Three kinds of matters, each with its own words, mixed with words every call uses.
HINT_MATTERS = {
    "城管": (
        ["占道经营", "流动摊贩", "违章搭建", "乱堆乱放", "广告牌", "夜市油烟", "人行道摆摊"],
        ["商户", "街道", "门口", "傍晚", "屡禁不止", "影响通行"],
    ),
    "住建": (
        ["电梯故障", "楼顶漏水", "物业不作为", "外墙脱落", "老旧小区改造", "燃气管道"],
        ["业主", "楼栋", "单元", "维修基金", "开发商", "交房"],
    ),
    "交通": (
        ["公交站台", "班次太少", "线路调整", "出租车拒载", "红绿灯", "道路坑洼"],
        ["乘客", "早高峰", "司机", "站点", "车辆", "路口"],
    ),
}
HINT_FILLER = ["最近", "好几次", "希望尽快", "附近居民", "反映过", "晚上", "周末", "很不方便"]


def hint_text(matter: str, n: int) -> str:
    """A varied appeal about ``matter`` (one of HINT_MATTERS), the n-th of its kind."""
    import random

    rnd = random.Random(f"{matter}{n}")
    core, side = HINT_MATTERS[matter]
    words = rnd.sample(core, 2) + rnd.sample(side, 2) + rnd.sample(HINT_FILLER, 2)
    rnd.shuffle(words)
    return "，".join(words) + "。"


def hint_rows(labels: dict[str, tuple[int | None, int]], per: int = 80) -> list[tuple]:
    """(text, category id, department id) rows as ``training.history`` reads them: ``per``
    appeals of each matter, labelled ``labels[matter] = (category id, department id)``."""
    return [(hint_text(matter, n), *labels[matter]) for matter in labels for n in range(per)]
