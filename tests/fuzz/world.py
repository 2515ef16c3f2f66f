"""A small world for the fuzz tests: one persona per role, orders in the states every action
needs, a call, an attachment, and what the admin lists; and the URL patterns of the project
with valid values for their parameters (the hostile values replace them one at a time)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from minyi.accounts import duties
from minyi.accounts.models import ADMIN_ROLES, Role, User
from minyi.calls.services import call_event_receive
from minyi.core import clock
from minyi.mashang.models import MessagePhoto
from minyi.mashang.services.abuse import phone_block
from minyi.orders.services.handling import extension_request
from minyi.orders.services.tracking import tracking_done
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    HandlerFactory,
    LiaisonStationFactory,
    MessageFactory,
    UserFactory,
    lead_of,
    make_order,
)


@dataclass
class World:
    personas: dict[str, User | None]  # "anonymous" is None
    orders: dict[str, object]  # state -> order
    call_id: str
    attachment: tuple[str, int]  # (order number, attachment pk)
    extra: dict = field(default_factory=dict)


def build_world() -> World:
    dept = DepartmentFactory(name="市城市管理局", short_name="城管局")
    other = DepartmentFactory(name="市住建局", short_name="住建局")
    deputy = DeputyFactory(name="王代表")
    unusable = make_password(None)
    personas: dict[str, User | None] = {"anonymous": None}
    for role in Role:
        extra = {"department": dept} if role == Role.HANDLER else {}
        if role == Role.DEPUTY:
            extra["deputy"] = deputy
        if role == Role.STATION:  # station staff belong to a station (a constraint)
            extra["station"] = LiaisonStationFactory(name="银田镇人大代表联络站")
        factory = HandlerFactory if role == Role.HANDLER else UserFactory
        personas[role.value] = factory(
            username=f"fuzz-{role.value}",
            role=role,
            is_staff=role in ADMIN_ROLES,
            password=unusable,
            **extra,
        )
    operator, dispatcher = personas["operator"], personas["dispatcher"]
    handler, agent = personas["handler"], personas["callback"]
    kw = {"operator": operator, "dispatcher": dispatcher, "handler": handler, "agent": agent}
    orders = {
        state: make_order(state, **kw)
        for state in (
            "draft",
            "accepted",
            "rejected",
            "dispatched",
            "signed",
            "returned",
            "replied",
            "callback",
            "tracking",
        )
    }
    orders["pending_extension"] = make_order("signed", **kw)
    extension_request(
        assignment=lead_of(orders["pending_extension"]),
        requested_due=orders["pending_extension"].reply_due + timedelta(days=14),
        reason="等待检测报告",
        actor=handler,
    )
    orders["deputy"] = make_order(
        "dispatched", channel="deputy_call", deputy=deputy, assisting=[other], **kw
    )
    # a reply the deputy may rate (the rate action)
    orders["deputy_replied"] = make_order("replied", channel="deputy_call", deputy=deputy, **kw)
    # a tracked order the department reported done (the tracking-confirm action)
    orders["tracking_done"] = make_order("tracking", **kw)
    tracking_done(order=orders["tracking_done"], text="已办结", actor=handler)
    returned = orders["returned"]
    attachment = returned.attachments.first()
    call = call_event_receive(event="ring", call_id="fuzz-call-1", caller="+8613900000001")
    call_event_receive(event="hangup", call_id="fuzz-call-1")
    # a 码上找代表 message to the deputy, with a photo (the staff side's pages and actions)
    message = MessageFactory(deputy=deputy)
    photo = MessagePhoto.objects.create(
        message=message,
        file=ContentFile(b"\xff\xd8\xff\xe0jpeg", name="p.jpg"),
        content_type="image/jpeg",
        uploaded_at=clock.now(),
    )
    # 码上找代表: a message handed to the station, and a number its staff blocked
    station_staff = personas["station"]
    handed = MessageFactory(deputy=deputy, station=station_staff.station, holder="station")
    block = phone_block(message=handed, actor=station_staff, reason="广告")
    clue_extra = _clue_world(personas, orders)
    return World(
        personas=personas,
        orders=orders,
        call_id=call.call_id,
        attachment=(returned.number, attachment.pk),
        extra={
            "deputy": deputy,
            "message": message,
            "photo": photo,
            "handed": handed,
            "block": block,
            **clue_extra,
        },
    )


def _clue_world(personas, orders) -> dict:
    """线索库: a clue given to the fuzz deputy's group, with a note carrying a file and a
    pending proposal (the clue pages and their actions)."""
    from minyi.clues.models import ClueProposal
    from minyi.clues.services import clue_create, clue_note_add
    from tests.factories import ProfessionalGroupFactory

    deputy_user = personas["deputy"]
    group = ProfessionalGroupFactory(name="城乡建设")
    group.deputies.add(deputy_user.deputy)
    clue = clue_create(
        title="占道经营", orders=[orders["accepted"]], group=group, actor=personas["liaison"]
    )
    note = clue_note_add(
        clue=clue,
        text="调研",
        file=ContentFile(b"%PDF-1.4 note", name="n.pdf"),
        actor=deputy_user,
    )
    proposal = ClueProposal.objects.create(
        clue=clue, order=orders["signed"], score=0.5, created_at=clock.now()
    )
    return {"clue": clue, "clue_note": note, "clue_proposal": proposal, "group": group}


# -- the URL patterns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its text with ``<name>`` placeholders, its name and parameters."""

    template: str
    name: str
    params: tuple[str, ...]
    view: object

    @property
    def is_admin(self) -> bool:
        return self.template.startswith("/admin/")

    def fill(self, values: dict[str, str]) -> str:
        path = self.template
        for name in self.params:
            path = path.replace(f"<{name}>", values[name])
        return path


_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _segment(pattern) -> tuple[str, dict[str, str]]:
    """The pattern as text with ``<name>`` placeholders, and the first value a regex group
    accepts (the admin's ``app_label`` alternatives)."""
    text, choices = str(pattern), {}
    if text.startswith("^") or text.endswith("$"):  # a RegexPattern
        for name, body in _REGEX_GROUP.findall(text):
            choices[name] = body.split("|")[0]
        text = _REGEX_GROUP.sub(lambda m: f"<{m.group(1)}>", text).lstrip("^").rstrip("$")
        text = text.replace("\\", "")
    return _ROUTE_PARAM.sub(lambda m: f"<{m.group(1)}>", text), choices


def routes() -> tuple[list[Route], dict[str, str]]:
    """Every leaf pattern of the project (walked recursively), and the regex choices."""
    found, choices = [], {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            text, picks = _segment(pattern.pattern)
            choices.update(picks)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + text)
            elif isinstance(pattern, URLPattern):
                template = "/" + prefix + text
                params = tuple(_ROUTE_PARAM.findall(template))
                found.append(Route(template, pattern.name or "", params, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found, choices


def admin_model_for(route: Route):
    """The model an admin URL belongs to (``/admin/orders/workorder/…``), or None."""
    parts = route.template.split("/")
    if len(parts) > 3 and route.is_admin:
        try:
            model = apps.get_model(parts[2], parts[3])
        except (LookupError, ValueError):
            return None
        return model if model in admin.site._registry else None
    return None


ADMINISTRATORS = (Role.ADMIN, Role.SECURITY, Role.AUDIT)


def administrator_for(world: World, model=None, action: str = "view") -> User:
    """The administrator whose duty covers ``action`` on ``model`` (accounts/duties.py): the
    one who gets past the refusals to the page's real work. The system administrator for a page
    that is no model's (the index, an app list)."""
    if model is not None:
        label = model._meta.label_lower
        for role in ADMINISTRATORS:
            if duties.may(world.personas[role], label, action):
                return world.personas[role]
    return world.personas[Role.ADMIN]


def valid_values(route: Route, world: World, choices: dict[str, str]) -> dict[str, str]:
    """Values that resolve: a real order, call, attachment or admin object."""
    values = {}
    if route.name.startswith("message-"):  # 码上找代表's staff side: a real message
        message = world.extra["message"]
        picks = {"pk": str(message.pk), "photo": str(world.extra["photo"].pk), "action": "answer"}
        return {name: picks.get(name, "x") for name in route.params}
    if route.name.startswith("clue-"):  # 线索库: a real clue, its note and proposal
        picks = {
            "pk": str(world.extra["clue"].pk),
            "note": str(world.extra["clue_note"].pk),
            "proposal": str(world.extra["clue_proposal"].pk),
            "decision": "accept",
        }
        return {name: picks.get(name, "x") for name in route.params}
    for name in route.params:
        if name == "number":
            values[name] = world.orders["signed"].number
        elif name == "action":
            values[name] = "sign"
        elif name == "call_id":
            values[name] = world.call_id
        elif name == "code":
            from minyi.mashang.services import code_for

            values[name] = code_for(world.extra["deputy"]).code
        elif name == "message_id":
            values[name] = str(world.extra["handed"].pk)
        elif name == "block_id":
            values[name] = str(world.extra["block"].pk)
        elif name == "pk":
            values[name] = str(world.attachment[1])
            values["number"] = world.attachment[0]
        elif name == "object_id":
            model = admin_model_for(route)
            obj = model._default_manager.order_by("pk").first() if model else None
            values[name] = str(obj.pk) if obj else "1"
        elif name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            values[name] = str(ContentType.objects.get_for_model(User).pk)
        else:
            values[name] = choices.get(name, "x")
    return values
