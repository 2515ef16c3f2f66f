"""The app as it runs in production, as real processes: uvicorn serving ``minyi.asgi``, our
``db_worker`` and our ``scheduler``, all on one database; and a small HTTP client that signs in
as a person would (the sign-in page, its CSRF cookie, the session cookie)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


class Processes:
    """Started processes, each in its own session (so stopping one ends what it spawned too),
    with its output in a log file. ``stop_all`` ends them: SIGTERM, then SIGKILL."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child has its own copy
        self.running[name] = process
        return process

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run a command to its end (migrate, the seed); its output, or an assertion error."""
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.running.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]  # names in lower case
    seconds: float


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's session against the server."""

    def __init__(self, base: str, *, timeout: float = 30):
        self.base, self.timeout = base, timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.cookies if c.name == name), "")

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if body is not None:
            req.add_header("X-CSRFToken", self.cookie("csrftoken"))
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                status, raw, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, headers = error.code, error.read(), error.headers
        return Answer(
            status,
            raw.decode(errors="replace"),
            {k.lower(): v for k, v in headers.items()},
            time.monotonic() - started,
        )

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> None:
        self.get("/login/")
        answer = self.post("/login/", {"username": username, "password": password})
        assert answer.status == 302, f"sign-in failed: {answer.status} {answer.body[:500]}"

    def json(self, path: str) -> tuple[int, dict]:
        answer = self.get(path)
        return answer.status, json.loads(answer.body)


def wait_for(predicate, *, timeout: float, every: float = 0.25, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; return it, or fail after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OSError:  # the server is not listening yet
            value = None
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(every)
