"""LOG_FORMAT: JSON lines in production, plain text for a developer (DEBUG=1), and nothing
else: a misspelt value stops the start with a message naming the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.core.test_settings import PROJECT, manage_check


def a_worker_line(tmp_path, **env: str) -> str:
    """What a background process (no request) writes for one log call inside a task."""
    script = (
        "import django, logging; django.setup()\n"
        "from minyi.core import log_context\n"
        "with log_context.task(17):\n"
        "    logging.getLogger('django_tasks_db').warning('task for 13800138000 failed')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={**manage_env(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1]


def manage_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "DEBUG")}
    return {**env, "MINYI_VAR_DIR": str(tmp_path)}


def test_production_writes_json_lines_and_a_tasks_line_names_the_task_not_a_request(tmp_path):
    line = json.loads(a_worker_line(tmp_path))

    assert line["message"] == "task for 138****8000 failed"
    assert (line["level"], line["logger"]) == ("WARNING", "django_tasks_db")
    assert line["request_id"] is None and line["task_id"] == "17"
    assert line["time"].endswith("+08:00")


def test_debug_writes_the_message_alone_unless_asked_for_json(tmp_path):
    assert a_worker_line(tmp_path, DEBUG="1") == "task for 138****8000 failed"
    assert json.loads(a_worker_line(tmp_path, DEBUG="1", LOG_FORMAT="JSON"))["task_id"] == "17"


def test_an_unknown_log_format_is_refused_by_name(tmp_path):
    result = manage_check(tmp_path, LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "LOG_FORMAT='xml': use one of json, text." in result.stderr
