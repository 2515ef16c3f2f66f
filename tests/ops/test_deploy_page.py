"""The deployment page (docs/deploy.md) stays true to the code: every environment variable the
app reads is in its table, docs/production.env sets nothing the table does not explain, and the
shipped units and nginx site say what the page says they do."""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY_PAGE = PROJECT / "docs" / "deploy.md"
PRODUCTION_ENV = PROJECT / "docs" / "production.env"
UNITS = PROJECT / "deploy" / "systemd"
NGINX_SITE = PROJECT / "deploy" / "nginx" / "minyi.conf"

# The readers of minyi/env.py, and the standard library's own
ENV_READERS = {"env_str", "env_int", "env_bool", "env_list", "getenv"}
# Names read through a constant of another package, which an administrator never sets
NOT_SETTINGS = {
    "DJANGO_AUTORELOAD_ENV": "RUN_MAIN, set by Django's autoreloader for its child process",
}


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "TEXT"``: a variable's name kept in a constant."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _first_argument(call: ast.Call) -> ast.AST | None:
    return call.args[0] if call.args else None


def environment_reads(path: Path) -> set[str]:
    """The names of the environment variables one module reads: env_str("X"), os.getenv("X"),
    os.environ.get("X"), os.environ.setdefault("X", …), os.environ["X"]."""
    tree = ast.parse(path.read_text(), filename=str(path))
    constants = _string_constants(tree)
    names: set[str] = set()

    def add(node: ast.AST | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
        elif isinstance(node, ast.Name) and node.id in constants:
            names.add(constants[node.id])
        elif isinstance(node, ast.Name) and node.id in NOT_SETTINGS:
            return
        elif node is not None:
            raise AssertionError(
                f"{path.relative_to(PROJECT)}:{node.lineno}: an environment variable read "
                "through an expression this test cannot name; read it by its literal name"
            )

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ENV_READERS:
                add(_first_argument(node))
            elif (
                isinstance(func, ast.Attribute)
                and name in ("get", "setdefault", "pop")
                and _is_environ(func.value)
            ):
                add(_first_argument(node))
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            add(node.slice)
    return names


def variables_read_by_the_app() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((PROJECT / "minyi").rglob("*.py")):
        if "migrations" in path.parts or path.name == "env.py":
            continue
        for name in environment_reads(path):
            found.setdefault(name, []).append(str(path.relative_to(PROJECT)))
    return found


def settings_table() -> set[str]:
    """The backticked names in the first column of the table between the markers."""
    text = DEPLOY_PAGE.read_text()
    start, end = text.index("<!-- settings-table -->"), text.index("<!-- /settings-table -->")
    names = set()
    for line in text[start:end].splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def production_env_names() -> set[str]:
    """Every variable docs/production.env sets, or shows commented out as an option."""
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)
    return set(pattern.findall(PRODUCTION_ENV.read_text()))


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(UNITS / name)
    return parser


# -- the settings table ----------------------------------------------------------------------------


def test_every_environment_variable_the_app_reads_is_in_the_deployment_table():
    read = variables_read_by_the_app()
    missing = {name: where for name, where in read.items() if name not in settings_table()}

    assert read  # the scan found the settings at all
    assert "DATABASE_URL" in read and "MINYI_ADMIN_PASSWORD" in read
    assert not missing, f"add these to the table of docs/deploy.md: {missing}"


def test_production_env_sets_only_variables_the_table_explains():
    unexplained = production_env_names() - settings_table()

    assert not unexplained, (
        f"docs/production.env sets variables docs/deploy.md omits: {unexplained}"
    )


def test_the_scan_names_a_variable_read_in_each_way_the_code_may_read_one(tmp_path):
    module = tmp_path / "reads.py"
    module.write_text(
        "import os\nfrom os import environ\nfrom minyi.env import env_int\n"
        'PASSWORD = "X_FROM_CONSTANT"\n'
        'env_int("X_ENV_INT", 3)\nos.environ.get("X_GET")\nos.getenv("X_GETENV")\n'
        'environ["X_SUBSCRIPT"]\nos.environ.setdefault("X_SETDEFAULT", "1")\n'
        "os.environ.get(PASSWORD)\n"
    )

    assert environment_reads(module) == {
        "X_FROM_CONSTANT",
        "X_ENV_INT",
        "X_GET",
        "X_GETENV",
        "X_SUBSCRIPT",
        "X_SETDEFAULT",
    }


# -- the units and the nginx site ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("minyi-web.service", "/srv/minyi/.venv/bin/uvicorn minyi.asgi:application"),
        ("minyi-worker.service", "/srv/minyi/.venv/bin/python manage.py db_worker"),
        ("minyi-scheduler.service", "/srv/minyi/.venv/bin/python manage.py scheduler"),
    ],
)
def test_each_unit_runs_its_process_restarted_and_confined_with_the_shared_environment(
    name, command
):
    service = unit(name)["Service"]

    assert service["ExecStart"].startswith(command)
    assert service["EnvironmentFile"] == "/etc/minyi/minyi.env"
    assert service["Restart"] == "always"
    assert service["User"] == "minyi"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == "/srv/minyi/var /run/minyi-metrics"
    # one metrics folder for every process, so /metrics adds up the worker's SMS and scans
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/minyi-metrics"
    assert service["PrivateTmp"] == "yes"


def test_the_web_unit_serves_the_loopback_behind_the_proxy():
    command = unit("minyi-web.service")["Service"]["ExecStart"]

    for option in ("--host 127.0.0.1", "--proxy-headers", "--no-server-header", "--workers"):
        assert option in command


def test_the_nginx_site_streams_the_console_events_and_serves_no_uploads():
    from django.urls import reverse

    site = NGINX_SITE.read_text()
    events = reverse("console-events")
    stream = site[site.index(f"location {events} {{") :]
    stream = stream[: stream.index("}")]

    assert "proxy_buffering off;" in stream
    assert re.search(r"proxy_read_timeout \d+h;", stream)
    assert "location /media/ { return 404; }" in site
    assert "alias /srv/minyi/var/static/;" in site
    assert "return 301 https://$host$request_uri;" in site
    metrics = site[site.index("location = /metrics {") :]
    assert "deny all;" in metrics[: metrics.index("}")]


def test_the_proxy_takes_an_upload_as_large_as_the_app_allows():
    upload_mb = int(re.search(r"^MINYI_UPLOAD_MAX_MB=(\d+)", PRODUCTION_ENV.read_text(), re.M)[1])
    proxy_mb = int(re.search(r"client_max_body_size (\d+)m;", NGINX_SITE.read_text())[1])

    # the file plus the form's other fields and the multipart framing
    assert proxy_mb == upload_mb + 1


def test_collectstatic_writes_files_the_proxy_may_read_while_uploads_stay_private(tmp_path):
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.utils.module_loading import import_string

    static = settings.STORAGES["staticfiles"]
    storage = import_string(static["BACKEND"])(location=tmp_path, **static["OPTIONS"])
    storage.save("console/console.css", ContentFile(b"body {}"))

    assert (tmp_path / "console" / "console.css").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "console").stat().st_mode & 0o777 == 0o755
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o640  # uploads: the app's account only
