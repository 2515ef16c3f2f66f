"""One row of every model the admin shows, with personal data in it, and the admin's URLs.

The personal values are distinct strings, so a test can look for them in any page: none may
ever appear in full unless through a logged reveal."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from minyi.accounts.models import Role, User
from minyi.calls.services import call_event_receive
from minyi.core import clock
from minyi.core.models import HousekeepingRun
from minyi.core.tasks import housekeeping_task
from minyi.deputies.services import deputies_export
from minyi.notify.models import Notice, OutboxMessage
from minyi.orders.models import WorkOrder
from minyi.workdays.services import special_day_save
from tests.factories import (
    MONDAY,
    AgentMappingFactory,
    CategoryFactory,
    DepartmentFactory,
    LiaisonStationFactory,
    ProfessionalGroupFactory,
    cti_token,
    make_order,
)
from tests.logins import device_of, verified_login

REPORTER_NAME = "赵举报人"
REPORTER_PHONE = "+8618712345678"
USER_PHONE = "+8613912345678"
# The full numbers as any page could print them (with or without +86).
FULL_VALUES = ("18712345678", "13800138000", "13912345678", REPORTER_NAME)

NON_ADMIN_ROLES = [
    Role.OPERATOR,
    Role.DISPATCHER,
    Role.HANDLER,
    Role.CALLBACK,
    Role.DEPUTY,
    Role.LIAISON,
    "",
]
ADMIN_ROLES = [Role.ADMIN, Role.SECURITY, Role.AUDIT]


@dataclass
class World:
    order: WorkOrder
    rows: dict  # model label -> one row


# 码上找代表: a citizen's message (name and number withheld or masked in the admin) and a block
CITIZEN_NAME, CITIZEN_PHONE = "钱留言", "+8613566667777"


def _mashang_rows(deputy, station, actor) -> None:
    from minyi.mashang.models import BlockedPhone, MessageEventKind
    from minyi.mashang.services.messages import message_record
    from tests.factories import MessageFactory

    message = MessageFactory(deputy=deputy, station=station, name=CITIZEN_NAME, phone=CITIZEN_PHONE)
    message_record(message, MessageEventKind.CREATED, text="留言正文")
    BlockedPhone.objects.create(
        phone_digest="0" * 64,
        phone_masked="135****7777",
        station=station,
        message=message,
        reason="广告",
        blocked_by=actor,
        blocked_at=clock.now(),
    )


@pytest.fixture
def world(db, ada, sam, audrey, olivia, hana, zhang) -> World:
    """Every registered model with a row; the personal data is in the order (a 举报 by
    赵举报人), the deputy 张三's number, olivia's phone, the call and the outbox."""
    olivia.phone = USER_PHONE
    olivia.save(update_fields=["phone"])
    with clock.frozen(MONDAY):
        order = make_order(
            "accepted",
            request_type_code="report",
            requester_name=REPORTER_NAME,
            requester_phone=REPORTER_PHONE,
            operator=olivia,
        )
    assert order.protect_identity
    DepartmentFactory()
    CategoryFactory()
    station = LiaisonStationFactory()
    ProfessionalGroupFactory(name="城乡建设").deputies.add(zhang)
    _mashang_rows(zhang, station, olivia)
    token, _ = cti_token()
    AgentMappingFactory(user=olivia)
    call_event_receive(
        event="ring",
        call_id="pbx-1",
        caller="13800138000",
        token=token,
        payload={"event": "ring", "call_id": "pbx-1", "from": "13800138000"},
    )
    deputies_export(out=_Sink(), fmt="csv", actor=ada)  # a registry change and an access row
    special_day_save(day=MONDAY.date(), kind="holiday", name="测试", actor=ada)
    Notice.objects.create(user=hana, text="黄色预警", order=order, created_at=clock.now())
    HousekeepingRun.objects.create(month="2026-01", at=clock.now(), summary={})
    housekeeping_task.enqueue()
    LogEntry.objects.create(
        user=ada,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(olivia.pk),
        object_repr=str(olivia),
        action_flag=ADDITION,
        change_message="[]",
    )
    AccessAttempt.objects.create(
        username="olivia",
        ip_address="10.0.0.9",
        user_agent="test",
        get_data="",
        post_data="password=********",
        http_accept="*/*",
        path_info="/login/",
        failures_since_start=2,
    )
    from minyi.accounts.services.audit import account_event_record

    account_event_record(kind="login", user=olivia)
    device_of(sam)
    assert OutboxMessage.objects.filter(recipient_phone=REPORTER_PHONE).exists()
    rows = {}
    for model in admin.site._registry:
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"the world has no {model._meta.label} row"
        rows[model._meta.label_lower] = row
    rows["orders.workorder"] = order
    rows["accounts.user"] = olivia
    return World(order=order, rows=rows)


class _Sink:
    def write(self, text):
        return len(text)


def login_as(client, role: str, *, username: str | None = None):
    """A client signed in as a (new) user with ``role``; administrators pass the second factor."""
    from django.contrib.auth.hashers import make_password

    from tests.factories import DepartmentFactory as Departments

    username = username or f"who-{role or 'nobody'}"
    extra = {"department": Departments()} if role == Role.HANDLER else {}
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "password": make_password(None), **extra}
    )
    if role in ADMIN_ROLES:
        return verified_login(client, user), user
    client.force_login(user)
    return client, user


# -- the admin's URLs --------------------------------------------------------------------------

STANDARD = ("changelist", "add", "change", "delete", "history")


def model_urls(model, pk) -> dict[str, str]:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "changelist": reverse(f"{name}_changelist"),
        "add": reverse(f"{name}_add"),
        "change": reverse(f"{name}_change", args=[pk]),
        "delete": reverse(f"{name}_delete", args=[pk]),
        "history": reverse(f"{name}_history", args=[pk]),
    }


def custom_urls(world: World) -> dict[str, str]:
    """Every admin URL that is not one of a model's five standard pages, by URL name."""
    urls = {}
    for model, model_admin in admin.site._registry.items():
        row = world.rows[model._meta.label_lower]
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = pattern.name
            if not name or name.removeprefix(prefix) in STANDARD:
                continue
            takes_object = "object_id" in pattern.pattern.regex.groupindex
            urls[name] = reverse(f"admin:{name}", args=[row.pk] if takes_object else [])
    return urls


def site_urls() -> dict[str, str]:
    """The site's own pages (index, one app index per app, the policy page, autocomplete …)."""
    urls = {
        name: reverse(f"admin:{name}")
        for name in ("index", "security_policy", "password_change", "autocomplete", "jsi18n")
    }
    for label in sorted({model._meta.app_label for model in admin.site._registry}):
        urls[f"app:{label}"] = reverse("admin:app_list", args=[label])
    return urls
