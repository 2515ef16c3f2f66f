"""Every response carries the security headers: a strict Content-Security-Policy (our own
scripts and styles only), nosniff, no framing, a same-origin referrer and opener, a
Permissions-Policy; HTTPS is enforced with HSTS, both configurable from the environment."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/work/", "/console/", "/admin/login/"])
def test_every_response_carries_the_strict_policy(client, path):
    csp = directives(client.get(path))

    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    policy = " ".join(" ".join(v) for v in csp.values())
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_signed_in_pages_carry_it_too(client, hana):
    client.force_login(hana)

    response = client.get("/work/department/")

    assert (
        response.status_code == 200 and "script-src 'self'" in response["Content-Security-Policy"]
    )


@pytest.mark.parametrize("path", ["/work/department/", "/api/orders/", "/work/search/?q=路灯"])
def test_what_a_signed_in_user_is_shown_is_never_stored_so_back_shows_the_current_state(
    client, hana, path
):
    client.force_login(hana)

    cache_control = client.get(path)["Cache-Control"]

    assert "no-store" in cache_control and "private" in cache_control


def test_a_request_without_a_session_is_left_as_the_view_answered_it(client):
    # the PBX's webhook, a public page: no session cookie, nothing added
    assert "Cache-Control" not in client.get("/no-such-page/")


def test_every_response_names_the_other_security_headers(client):
    response = client.get("/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_session_cookie_is_not_readable_by_scripts(client, hana):
    hana.set_password("correct-horse-42")
    hana.save(update_fields=["password"])

    login = client.post("/login/", {"username": "hana", "password": "correct-horse-42"})
    page = client.get("/work/department/")

    assert login.status_code == 302
    assert login.cookies["sessionid"]["httponly"] is True
    # htmx takes the token from the page (base.html's hx-headers), not from the cookie
    assert 'hx-headers=\'{"X-CSRFToken": "' in page.content.decode()


def test_the_csrf_cookie_is_not_readable_by_scripts(client):
    response = client.get("/login/")

    assert response.cookies["csrftoken"]["httponly"] is True


def test_https_responses_carry_hsts(client):
    response = client.get("/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_is_redirected_to_https_but_the_health_checks_answer(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    login = client.get("/login/")
    health = client.get("/healthz")

    assert login.status_code == 301 and login["Location"] == "https://testserver/login/"
    assert health.status_code == 200  # the load balancer asks over plain HTTP


# -- from the environment --------------------------------------------------------------------


def settings_under(env: dict[str, str]) -> dict:
    """The security settings minyi.settings computes under ``env`` (a fresh process)."""
    script = (
        "import json, minyi.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ["
        "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE',"
        "'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', 'SESSION_COOKIE_HTTPONLY']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        # a production start needs an SMS provider; which one does not matter here
        env={"PATH": os.environ["PATH"], "MINYI_SMS_ALLOW_TEST_BACKEND": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_safe(tmp_path):
    values = settings_under(
        {"MINYI_VAR_DIR": str(tmp_path), "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "a.example"}
    )

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_HTTPONLY": True,
    }


def test_https_settings_follow_the_environment(tmp_path):
    values = settings_under(
        {
            "MINYI_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "a.example",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "3600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
            "SECURE_HSTS_PRELOAD": "1",
            "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        }
    )

    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_the_demo_in_debug_needs_no_https(tmp_path):
    values = settings_under({"MINYI_VAR_DIR": str(tmp_path), "DEBUG": "1"})

    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False


# -- the documented production environment ------------------------------------------------


def documented_environment() -> dict[str, str]:
    """docs/production.env: the environment the README tells operators to set."""
    env = {}
    for line in (PROJECT / "docs" / "production.env").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def test_check_deploy_prints_no_warning_with_the_documented_environment(tmp_path):
    env = documented_environment()
    # What a test machine cannot take from the example: a real key and a database of its own.
    env["SECRET_KEY"] = "Jq8vK2-" + "xR5tZ0pL3wN7mB1cV4hG6yD9fS2aQ8eU0iO5kT3jW7n"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env["MINYI_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "minyi.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_the_documented_production_environment_turns_debug_off_and_https_on():
    env = documented_environment()

    assert env["DEBUG"] == "0" and env["SECURE_HSTS_PRELOAD"] == "1"
    assert env["CSRF_TRUSTED_ORIGINS"].startswith("https://")


# -- the server names nothing about itself ------------------------------------------------


def test_every_documented_uvicorn_command_hides_the_server_header():
    commands = []
    for name in (
        "Makefile",
        "README.md",
        "docs/security.md",
        "docs/deploy.md",
        "deploy/systemd/minyi-web.service",
    ):
        text = (PROJECT / name).read_text(encoding="utf-8")
        commands += [
            line for line in text.splitlines() if re.search(r"uvicorn\S* minyi\.asgi", line)
        ]

    assert commands
    assert all("--no-server-header" in line for line in commands), commands


def test_the_server_started_as_make_run_starts_it_sends_no_server_header(tmp_path):
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    command = re.search(r"-m uvicorn (minyi\.asgi:application.*)$", makefile, re.M).group(1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = command.replace("$(PORT)", str(port)).split()
    env = {
        **os.environ,
        "MINYI_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/h.db",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = _get_when_up(f"http://127.0.0.1:{port}/healthz")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert response.status == 200
    assert response.getheader("Server") is None


def _get_when_up(url: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=2)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
