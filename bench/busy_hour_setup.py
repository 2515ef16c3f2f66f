"""The people of the busy hour (bench/busy_hour.py) in the bench database, and the clean-up that
leaves that database as it was loaded.

The personas are created once and kept (``busy-`` user names, a congress of their own for the
deputies who ring and whose 码上找代表 pages citizens open); what one run adds — orders and
everything pointing at them, calls, messages, SMS codes, the token — is removed afterwards, so
the 1,000,000 loaded orders stay exactly as ``bench/load.py`` left them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

PASSWORD = "Busy-hour-2026"
PREFIX = "busy-"
CONGRESS = "基准市忙时人大"
STATION = "基准市忙时联络站"
TOKEN_NAME = "busy-hour"
DEPUTIES = 200
DEPUTY_PHONE = "+86199{:08d}"  # the deputies' numbers: a block no loaded row uses
# The tables a run writes to besides the orders; rows above the marks taken before it are its own.
RUN_TABLES = (
    "calls_callevent",
    "calls_calllog",
    "mashang_messageevent",
    "mashang_message",
    "mashang_smscode",
    "notify_outboxmessage",
    "core_idempotencykey",
)
TASKS = "django_tasks_database_dbtaskresult"


@dataclass
class Cast:
    """What the load's users need to know, written to a JSON file the locustfile reads."""

    password: str = PASSWORD
    token: str = ""
    operators: list[str] = field(default_factory=list)
    dispatchers: list[str] = field(default_factory=list)
    handlers: dict[str, int] = field(default_factory=dict)  # username -> department id
    callbacks: list[str] = field(default_factory=list)
    liaisons: list[str] = field(default_factory=list)
    request_type: int = 0
    deputy_numbers: list[str] = field(default_factory=list)
    deputy_codes: list[str] = field(default_factory=list)
    citizens: list[tuple[str, str]] = field(default_factory=list)  # (phone, SMS code)
    sessions: dict[str, str] = field(default_factory=dict)  # username -> session key

    def dump(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def departments_holding_orders(count: int) -> list[int]:
    """The departments with the most assignments: their handlers' tabs are the deepest."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT department_id FROM orders_assignment GROUP BY 1 ORDER BY count(*) DESC LIMIT %s",
            [count],
        )
        return [r[0] for r in cur.fetchall()]


def _user(username: str, role: str, **extra):
    from minyi.accounts.models import User

    user, created = User.objects.get_or_create(
        username=username, defaults={"role": role, "is_active": True, **extra}
    )
    if created or user.password_change_required:  # (a password hash costs CPU: only when new)
        user.set_password(PASSWORD)
        user.password_change_required = False
        user.save()
    return user.username


def deputies() -> tuple[list[str], list[str]]:
    """``DEPUTIES`` deputies with a number each and a 码上找代表 code, in a congress of their own;
    created when missing. Their numbers and codes."""
    from django.db import transaction

    from minyi.core import clock
    from minyi.deputies.models import Congress, Deputy, DeputyPhone, LiaisonStation, Mandate
    from minyi.mashang.models import MashangCode
    from minyi.mashang.services.codes import new_code
    from minyi.reference.models import Region

    with transaction.atomic():
        city = Region.objects.filter(parent=None, name="基准市").first() or Region.objects.first()
        congress, _ = Congress.objects.get_or_create(
            name=CONGRESS, defaults={"level": "city", "region": city}
        )
        station, _ = LiaisonStation.objects.get_or_create(
            name=STATION, defaults={"region": city, "address": "基准市人民路1号"}
        )
        have = Mandate.objects.filter(congress=congress).count()
        for i in range(have, DEPUTIES):
            person = Deputy.objects.create(
                name=f"忙时代表{i:03d}", introduction="长期关注社区治理、道路交通和养老服务。"
            )
            number = DEPUTY_PHONE.format(i)
            DeputyPhone.objects.create(deputy=person, number=number, raw=number, is_primary=True)
            Mandate.objects.create(deputy=person, congress=congress, level="city", station=station)
            MashangCode.objects.create(code=new_code(), deputy=person, created_at=clock.now())
    seated = Mandate.objects.filter(congress=congress).values_list("deputy_id", flat=True)
    numbers = list(
        DeputyPhone.objects.filter(deputy_id__in=seated)
        .order_by("id")
        .values_list("number", flat=True)
    )
    codes = list(
        MashangCode.objects.filter(deputy_id__in=seated, is_active=True)
        .order_by("id")
        .values_list("code", flat=True)
    )
    return numbers, codes


def cast(*, operators: int, dispatchers: int, handlers: int, callbacks: int, liaisons: int) -> Cast:
    """Every persona, created when missing (a handler for each of the departments holding the
    most orders), and a new CTI token for the webhook."""
    from minyi.accounts.models import Role
    from minyi.calls.models import CtiToken
    from minyi.calls.services import cti_token_create
    from minyi.reference.models import RequestType

    c = Cast()
    c.operators = [_user(f"{PREFIX}operator-{i:02d}", Role.OPERATOR) for i in range(operators)]
    c.dispatchers = [
        _user(f"{PREFIX}dispatcher-{i:02d}", Role.DISPATCHER) for i in range(dispatchers)
    ]
    for i, dept in enumerate(departments_holding_orders(handlers)):
        name = _user(f"{PREFIX}handler-{i:02d}", Role.HANDLER, department_id=dept)
        c.handlers[name] = dept
    c.callbacks = [_user(f"{PREFIX}callback-{i:02d}", Role.CALLBACK) for i in range(callbacks)]
    c.liaisons = [_user(f"{PREFIX}liaison-{i:02d}", Role.LIAISON) for i in range(liaisons)]
    c.request_type = (
        RequestType.objects.filter(is_report=False, code="help")
        .values_list("pk", flat=True)
        .first()
        or RequestType.objects.filter(is_report=False)
        .order_by("id")
        .values_list("pk", flat=True)[0]
    )
    c.deputy_numbers, c.deputy_codes = deputies()
    staff = [*c.operators, *c.dispatchers, *c.handlers, *c.callbacks, *c.liaisons]
    c.sessions = signed_in(staff)
    CtiToken.objects.filter(name=TOKEN_NAME).delete()
    _, c.token = cti_token_create(name=TOKEN_NAME)
    return c


def signed_in(usernames: list[str]) -> dict[str, str]:
    """A session for each user, as the log-in page leaves it: the hour begins with everyone at
    work (a log-in's password hash costs a third of a second of CPU; it is not the hour's load).
    """
    import time
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from minyi.accounts import gate
    from minyi.accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    for user in User.objects.filter(username__in=usernames):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[gate.AUTH_AT] = session[gate.SEEN] = int(time.time())
        session[gate.ENROLLED] = False
        session.create()
        keys[user.username] = session.session_key
    return keys


def signed_out(keys: list[str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


def issue_sms_codes(count: int, first: int = 0) -> list[tuple[str, str]]:
    """``count`` new citizens' phones, each with a valid SMS code issued now through the service
    (as a citizen asks for one before writing)."""
    from minyi.mashang.services.verification import sms_code_issue

    phones = [f"198{(first + i) % 10**8:08d}" for i in range(count)]
    return [(phone, sms_code_issue(phone=phone).code) for phone in phones]


def high_water_marks() -> dict:
    """The largest id of each of ``RUN_TABLES``, and the moment (the tasks' ids are UUIDs)."""
    from bench.db import sql_scalar

    marks = {t: sql_scalar(f"SELECT coalesce(max(id), 0) FROM {t}") for t in RUN_TABLES}
    return {**marks, TASKS: sql_scalar("SELECT now()")}


def remove_run(marks: dict[str, int]) -> dict[str, int]:
    """Delete what the run added: its orders (``remove_service_orders``: the orders the busy
    hour's operators recorded, and every row pointing at one), and the rows above ``marks`` in
    the other tables it wrote."""
    from django.db import transaction

    from bench.db import sql_exec
    from bench.load import remove_service_orders
    from minyi.calls.models import CtiToken

    removed = {"orders": remove_service_orders(created_by_prefix=PREFIX)}
    with transaction.atomic():  # the foreign keys are checked at the commit, so any order works
        for table in RUN_TABLES:
            removed[table] = sql_exec(f"DELETE FROM {table} WHERE id > %s", [marks[table]])
        # the SMS tasks the hour queued (no worker runs during the bench)
        removed[TASKS] = sql_exec(f"DELETE FROM {TASKS} WHERE enqueued_at >= %s", [marks[TASKS]])
        CtiToken.objects.filter(name=TOKEN_NAME).delete()
    return removed
