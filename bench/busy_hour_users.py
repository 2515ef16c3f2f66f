"""The users of a busy hour, for locust (run headless by bench/busy_hour.py; never imported by
the app). Each role signs in once and then repeats what it does all hour, paced so that the
whole load comes to the rate asked for (``BUSY_HOUR_PACE``: seconds per round of each role).

The orders of the hour move along a chain inside this one locust process: an operator records
one (after the ring, the answer and the duplicate panel), a dispatcher dispatches it to a
department whose handler signs it and then replies, and a callback agent records the callback.
Only these orders are changed; the loaded orders are only read (lists, order pages), so the
bench's clean-up leaves the database as it was loaded.

A request counts as an error when its status is not the one the page answers on success (a
form shown again with its errors is a 200 where a redirect was due: an error).
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import random
import re
import uuid
from http.cookiejar import Cookie
from pathlib import Path

from locust import FastHttpUser, constant_pacing, task

CAST = json.loads(Path(os.environ["BUSY_HOUR_CAST"]).read_text())
PACE = json.loads(os.environ["BUSY_HOUR_PACE"])
COUNTS = json.loads(os.environ["BUSY_HOUR_USERS"])
WEBHOOK = "POST /api/cti/events"
ORDER_LINK = re.compile(r'href="/work/orders/([^/"]+)/"')
TITLES = (
    "小区路灯损坏夜间无照明",
    "夜间施工噪音扰民",
    "道路井盖缺失存在安全隐患",
    "餐饮油烟直排影响居民生活",
    "公交站台破损需维修",
    "楼道堆放杂物消防隐患",
)

# the chain of the hour's orders (one locust process: plain module state is shared)
to_dispatch: collections.deque[str] = collections.deque()
to_sign: dict[int, collections.deque[str]] = collections.defaultdict(collections.deque)
to_reply: dict[int, collections.deque[str]] = collections.defaultdict(collections.deque)
to_callback: collections.deque[str] = collections.deque()
handler_departments = sorted(set(CAST["handlers"].values()))
citizens = iter(CAST["citizens"])
calls = itertools.count(1)
addresses = itertools.count(1)
names = {role: iter(CAST[role]) for role in ("operators", "dispatchers", "callbacks", "liaisons")}
handler_names = iter(CAST["handlers"])


def _address() -> str:
    """A citizen's own address (10.0.0.0/8), as the proxy reports it: the per-address limits of
    码上找代表 apply to each citizen, not to the load generator."""
    n = next(addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def _cookie(name: str, value: str) -> Cookie:
    host = os.environ["BUSY_HOUR_HOST"]
    return Cookie(0, name, value, None, False, host, False, False, "/", True, False, None, False,
                  None, None, {})  # fmt: skip


class Staff(FastHttpUser):
    """A signed-in member of staff; ``act`` posts a page's form as the browser does."""

    abstract = True
    role = ""

    def on_start(self) -> None:
        """Signed in before the hour (bench/busy_hour_setup.signed_in), the page open."""
        self.username = next(handler_names if self.role == "handlers" else names[self.role])
        self.token = uuid.uuid4().hex  # the CSRF cookie's secret, as the first page sets it
        for name, value in (
            ("sessionid", CAST["sessions"][self.username]),
            ("csrftoken", self.token),
        ):
            self.client.cookiejar.set_cookie(_cookie(name, value))

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), self.token)

    def post_form(self, path: str, data: dict, *, name: str, ok=(302, 303)) -> str:
        """POST ``data`` as a form; the redirect's target ('' when it failed)."""
        with self.client.post(
            path,
            data=data,
            headers={"X-CSRFToken": self.csrf(), "Referer": self.host + path},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") or ""
            if response.status_code not in ok or location.startswith("/login/"):
                response.failure(f"HTTP {response.status_code} {location}".strip())
                return ""
            response.success()
            return location or "/"

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            return response.text or ""

    def act(self, number: str, action: str, data: dict) -> bool:
        data = {**data, "idempotency_key": str(uuid.uuid4())}
        path = f"/work/orders/{number}/{action}/"
        return bool(self.post_form(path, data, name=f"POST /work/orders/[n]/{action}/"))

    def read_one(self, listing: str) -> None:
        """Open one of the orders a list shows (the loaded ones are only read)."""
        links = ORDER_LINK.findall(listing)
        if links:
            self.page(f"/work/orders/{random.choice(links)}/", "GET /work/orders/[n]/")


class Operator(Staff):
    """A call: ring, answer, the duplicate panel while typing, save, hang up."""

    role = "operators"
    fixed_count = COUNTS["operators"]
    wait_time = constant_pacing(PACE["operators"])

    def cti(self, event: str, call_id: str, caller: str) -> None:
        body = {"event": event, "call_id": call_id, "from": caller, "to": "12345"}
        if event != "ring":
            body["agent"] = self.username
        with self.client.post(
            "/api/cti/events",
            json=body,
            headers={"Authorization": f"Bearer {CAST['token']}"},
            name=WEBHOOK,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def call(self) -> None:
        n = next(calls)
        call_id = f"busy-{os.getpid()}-{n}"
        deputy = random.random() < 0.2  # one call in five is a deputy's, the rest citizens'
        caller = random.choice(CAST["deputy_numbers"]) if deputy else f"137{n:08d}"
        self.cti("ring", call_id, caller)
        self.cti("answer", call_id, caller)
        title = f"{random.choice(TITLES)}（{n}）"
        form = {
            "title": title,
            "content": f"{title}，已经持续好几天，请尽快派人处理。",
            "requester_phone": caller.removeprefix("+86"),
            "address": f"基准市人民路{n % 300}号",
        }
        for typed in (form["title"], None):  # the panel asks as the operator types
            partial = {**form, "content": ""} if typed else form
            self.post_form("/intake/candidates/", partial, name="POST /intake/candidates/",
                           ok=(200,))  # fmt: skip
        saved = self.post_form(
            "/console/intake/",
            {
                **form,
                "channel": "citizen_call",
                "requester_name": "群众",
                "request_type": CAST["request_type"],
                "urgency": "normal",
                "complexity": "normal",
                "decision": "accept",
                "idempotency_key": str(uuid.uuid4()),
            },
            name="POST /console/intake/",
        )
        if saved.startswith("/console/orders/"):
            to_dispatch.append(saved.split("/")[3])
            self.page(saved, "GET /console/orders/[n]/")
        self.cti("hangup", call_id, caller)


class Dispatcher(Staff):
    """The queue, then one order: dispatched to a department of the hour's handlers."""

    role = "dispatchers"
    fixed_count = COUNTS["dispatchers"]
    wait_time = constant_pacing(PACE["dispatchers"])

    @task
    def dispatch(self) -> None:
        listing = self.page("/work/dispatch/", "GET /work/dispatch/")
        if not to_dispatch:
            self.read_one(listing)
            return
        number = to_dispatch.popleft()
        self.page(f"/work/orders/{number}/", "GET /work/orders/[n]/")
        lead = random.choice(handler_departments)
        if self.act(number, "dispatch", {"lead": lead, "note": ""}):
            to_sign[lead].append(number)


class Handler(Staff):
    """A tab of the department's orders, then one order: sign it, reply to it, or read it."""

    role = "handlers"
    fixed_count = COUNTS["handlers"]
    wait_time = constant_pacing(PACE["handlers"])

    @task
    def handle(self) -> None:
        department = CAST["handlers"][self.username]
        tab = random.choice(("pending", "handling", "handling", "replied"))
        listing = self.page(f"/work/department/?tab={tab}", f"GET /work/department/?tab={tab}")
        if to_sign[department]:
            number = to_sign[department].popleft()
            self.page(f"/work/orders/{number}/", "GET /work/orders/[n]/")
            if self.act(number, "sign", {}):
                to_reply[department].append(number)
        elif to_reply[department]:
            number = to_reply[department].popleft()
            self.page(f"/work/orders/{number}/", "GET /work/orders/[n]/")
            reply = {"content": "已派人现场核实并处理完毕。", "method": "phone", "solved": "solved"}
            if self.act(number, "reply", reply):
                to_callback.append(number)
        else:
            self.read_one(listing)


class Callback(Staff):
    """The callback list, then one replied order: the callback recorded."""

    role = "callbacks"
    fixed_count = COUNTS["callbacks"]
    wait_time = constant_pacing(PACE["callbacks"])

    @task
    def callback(self) -> None:
        listing = self.page("/work/callback/", "GET /work/callback/")
        if not to_callback:
            self.read_one(listing)
            return
        number = to_callback.popleft()
        self.page(f"/work/orders/{number}/", "GET /work/orders/[n]/")
        self.act(number, "callback", {"satisfaction": "satisfied", "solved": "yes", "note": ""})


class Liaison(Staff):
    """The ledger and the statistics."""

    role = "liaisons"
    fixed_count = COUNTS["liaisons"]
    wait_time = constant_pacing(PACE["liaisons"])

    @task
    def read(self) -> None:
        self.page("/work/ledger/", "GET /work/ledger/")
        self.page("/work/stats/", "GET /work/stats/")


class Citizen(FastHttpUser):
    """码上找代表: a deputy's page from the QR code; now and then a message (its SMS code was
    issued before the hour began)."""

    fixed_count = COUNTS["citizens"]
    wait_time = constant_pacing(PACE["citizens"])
    post_share = float(os.environ.get("BUSY_HOUR_POST_SHARE", "0.05"))

    @task
    def visit(self) -> None:
        code = random.choice(CAST["deputy_codes"])
        address = _address()
        with self.client.get(
            f"/m/{code}",
            name="GET /m/[code]",
            headers={"X-Forwarded-For": address},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
        if random.random() >= self.post_share:
            return
        phone, sms = next(citizens, (None, None))
        if phone is None:
            return
        body = {
            "code": code,
            "phone": phone,
            "sms_code": sms,
            "content": f"忙时基准留言：村口道路坑洼积水（{phone[-4:]}），请代表帮忙反映。",
            "name": "",
            "anonymous": True,
            "consent": True,
        }
        headers = {"Idempotency-Key": str(uuid.uuid4()), "X-Forwarded-For": address}
        with self.client.post(
            "/api/public/messages",
            json=body,
            headers=headers,
            name="POST /api/public/messages",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:120]}")
