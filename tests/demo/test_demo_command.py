"""`manage.py demo`: a believable 韶山, loaded once, through the same services users call."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import RequestFactory
from django.utils import timezone

from minyi.accounts.models import ADMIN_ROLES, Role, User
from minyi.demo import loader
from minyi.deputies.models import Congress, Deputy, DeputyPhone, Mandate
from minyi.orders.models import Channel, EventKind, OrderEvent, Status, Warning, WorkOrder
from minyi.reference.models import Category, Department, Region

pytestmark = pytest.mark.django_db

ORDERS = 30  # enough for every fate of the demo to appear at least once


@pytest.fixture(autouse=True)
def _fast_and_tidy(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path  # leader's-opinion attachments are written here
    # the demo hashes its one password once; a fast hasher keeps each load well under a second
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("PORT", raising=False)


def demo(**options) -> str:
    out = StringIO()
    call_command("demo", **{"orders": ORDERS, "stdout": out, **options})
    return out.getvalue()


@pytest.fixture
def loaded() -> str:
    return demo()


@pytest.fixture
def city() -> str:
    """The demo without orders: regions, congresses, deputies, departments, log-ins."""
    return demo(orders=0)


def active_mandates(congress_name: str) -> int:
    return Mandate.objects.filter(congress__name=congress_name, ended_on__isnull=True).count()


def test_it_loads_the_shaoshan_region_tree(city):
    shaoshan = Region.objects.get(code="430382")
    assert (shaoshan.name, shaoshan.level) == ("韶山市", "county")
    assert [r.name for r in shaoshan.ancestors()] == ["湖南省", "湘潭市"]
    assert sorted(shaoshan.children.values_list("name", "level", "code")) == sorted(
        [
            ("清溪镇", "township", "430382100"),
            ("银田镇", "township", "430382101"),
            ("韶山乡", "township", "430382200"),
            ("杨林乡", "township", "430382201"),
        ]
    )


def test_each_region_has_its_peoples_congress(city):
    congresses = {c.name: (c.level, c.region.name) for c in Congress.objects.all()}
    assert congresses == {
        "湖南省人大": ("provincial", "湖南省"),
        "湘潭市人大": ("city", "湘潭市"),
        "韶山市人大": ("county", "韶山市"),
        "清溪镇人大": ("township", "清溪镇"),
        "银田镇人大": ("township", "银田镇"),
        "韶山乡人大": ("township", "韶山乡"),
        "杨林乡人大": ("township", "杨林乡"),
    }


def test_it_registers_the_deputy_counts_of_the_seed(city):
    assert active_mandates("湖南省人大") == 2
    assert active_mandates("湘潭市人大") == 20
    assert active_mandates("韶山市人大") == 161
    townships = ("清溪镇人大", "银田镇人大", "韶山乡人大", "杨林乡人大")
    assert sum(active_mandates(name) for name in townships) == 263
    assert all(active_mandates(name) > 0 for name in townships)


def test_the_provincial_deputies_also_sit_in_the_lower_congresses(city):
    for deputy in Deputy.objects.filter(mandates__congress__name="湖南省人大"):
        levels = sorted(deputy.mandates.values_list("level", flat=True))
        assert levels == ["city", "county", "provincial", "township"]


def test_a_few_mandates_have_ended_and_their_seats_were_refilled(city):
    ended = Mandate.objects.filter(ended_on__isnull=False)
    assert 1 <= ended.count() <= 2
    assert all(m.end_reason for m in ended)
    assert not Deputy.objects.filter(mandates__in=ended, is_active=True).exists()


def test_deputy_phones_are_unique_e164_numbers_and_some_deputies_have_two(city):
    numbers = list(DeputyPhone.objects.values_list("number", "raw"))
    assert all(n.startswith("+861") and len(n) == 14 and n == f"+86{raw}" for n, raw in numbers)
    assert len({n for n, _ in numbers}) == len(numbers)
    two = Deputy.objects.annotate(n=Count("phones")).filter(n=2)
    assert two.count() >= 5
    assert (
        not Deputy.objects.annotate(primary=Count("phones", filter=Q(phones__is_primary=True)))
        .exclude(primary=1)
        .exists()
    )


def test_departments_and_categories_are_linked(city):
    assert Department.objects.count() >= 30
    assert Category.objects.filter(parent=None).count() == 11
    assert Category.objects.get(name="路灯照明").parent.name == "城市管理"
    city_management = Department.objects.get(name="韶山市城市管理和综合执法局")
    assert city_management.categories.filter(name="占道经营").exists()
    assert not Department.objects.annotate(n=Count("categories")).filter(n=0).exists()


def test_every_order_status_is_represented(loaded):
    statuses = Counter(WorkOrder.objects.values_list("status", flat=True))
    assert sum(statuses.values()) == ORDERS
    assert set(statuses) == set(Status.values)
    assert statuses[Status.ARCHIVED] == max(statuses.values())


def test_some_orders_are_overdue_and_some_are_nearing_their_deadline(loaded):
    warnings = Counter(WorkOrder.objects.values_list("warning", flat=True))
    assert warnings[Warning.RED] >= 1
    assert warnings[Warning.YELLOW] >= 1


def test_the_orders_went_through_returns_extensions_redo_supervision_and_tracking(loaded):
    kinds = set(OrderEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.RETURN_ACCEPTED,
        EventKind.RETURN_REFUSED,
        EventKind.EXTENSION_APPROVED,
        EventKind.EXTENSION_DENIED,
        EventKind.REDO,
        EventKind.SUPERVISED,
        EventKind.DIRECT_ANSWER,
        EventKind.WARNING,
        EventKind.TRACKING_OPENED,
        EventKind.TRACKING_PROGRESS,
        EventKind.TRACKING_DONE,
        EventKind.TRACKING_CONFIRMED,
    } <= kinds


def test_every_order_event_chain_is_chronological(loaded):
    now = timezone.now()
    for order in WorkOrder.objects.all():
        moments = list(order.events.order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments), order.number
        assert moments[-1] <= now
        assert order.created_at == moments[0]


def test_every_order_ends_in_the_status_its_ledger_says(loaded):
    for order in WorkOrder.objects.all():
        moves = order.events.exclude(to_status="").order_by("at", "id")
        assert moves.last().to_status == order.status, order.number


def test_deputy_calls_come_from_the_deputys_registered_phone(loaded):
    calls = WorkOrder.objects.filter(channel=Channel.DEPUTY_CALL)
    assert calls.exists()
    for order in calls:
        assert DeputyPhone.objects.filter(deputy=order.deputy, number=order.requester_phone)
    assert WorkOrder.objects.filter(channel=Channel.QR_MESSAGE, deputy__isnull=False).exists()
    assert WorkOrder.objects.filter(channel=Channel.CITIZEN_CALL, deputy__isnull=True).exists()


def test_a_reports_text_names_neither_the_reporter_nor_the_channel(loaded):
    """Operators are trained so: a department reads the content, and 代表来电 with the town would
    narrow the reporter down to a few dozen deputies."""
    reports = WorkOrder.objects.filter(request_type__is_report=True).select_related("deputy")
    assert reports.filter(deputy__isnull=False).exists()
    for order in reports:
        said = order.title + order.content + order.address
        people = [order.requester_name, order.deputy.name if order.deputy else ""]
        assert [
            w for w in ("代表来电", "码上找代表", "代表", *filter(None, people)) if w in said
        ] == []


def test_no_archived_order_is_rated_dissatisfied(loaded):
    # 衡阳 第四步: "满意的，则审结归档；不满意的，则发回重办或转入督办程序".
    rated = Counter(
        WorkOrder.objects.filter(status=Status.ARCHIVED)
        .exclude(satisfaction="")
        .values_list("satisfaction", flat=True)
    )
    # most satisfied; how many 基本满意 is a random draw of the demo's (6 %), possibly none
    assert rated["satisfied"] > rated["basically"]
    assert rated["dissatisfied"] == 0


def test_loading_twice_changes_nothing(loaded):
    before = (Region.objects.count(), Deputy.objects.count(), WorkOrder.objects.count())
    events = OrderEvent.objects.count()
    output = demo()
    assert "不再重复加载" in output
    assert (Region.objects.count(), Deputy.objects.count(), WorkOrder.objects.count()) == before
    assert OrderEvent.objects.count() == events


def test_a_failed_load_leaves_nothing_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "load_orders", broken)
    with pytest.raises(RuntimeError):
        demo()
    assert not Region.objects.exists()
    assert not Deputy.objects.exists()
    assert not User.objects.exists()


def test_it_prints_the_demo_log_ins(city):
    for username in (
        "operator",
        "dispatcher",
        "handler_cg",
        "callback",
        "deputy",
        "admin",
        "security",
        "auditor",
    ):
        assert username in city
    assert city.count("Shaoshan-2026") == 16
    assert "http://127.0.0.1:8000/admin/" in city


def test_once_prints_the_log_ins_again_with_the_port_of_make_run(city, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    output = demo(once=True)
    assert "handler_jt" in output
    assert "http://127.0.0.1:8123/admin/" in output


def test_the_demo_log_ins_work_and_carry_their_roles(city):
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="dispatcher", password="Shaoshan-2026") is not None
    deputy = User.objects.get(username="deputy")
    assert deputy.role == Role.DEPUTY
    assert deputy.deputy.mandates.filter(congress__name="湖南省人大").exists()
    assert User.objects.get(username="handler_qx").department.name == "清溪镇人民政府"
    assert not User.objects.filter(role=Role.HANDLER, department__isnull=True).exists()
    administrators = {u.username: u for u in User.objects.filter(role__in=ADMIN_ROLES)}
    assert {u: a.role for u, a in administrators.items()} == {
        "admin": Role.ADMIN,
        "security": Role.SECURITY,
        "auditor": Role.AUDIT,
    }
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()  # the admin reads roles, not flags
    assert administrators["admin"].has_perm("deputies.change_deputy")
    assert not administrators["admin"].has_perm("calls.add_ctitoken")
    assert administrators["security"].has_perm("calls.add_ctitoken")
    assert administrators["auditor"].has_perm("privacy.view_personaldataaccess")
    liaison = User.objects.get(username="liaison")
    assert not liaison.has_perm("orders.view_workorder")
