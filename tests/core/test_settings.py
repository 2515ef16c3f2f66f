"""Settings read the environment through small typed helpers that fail fast with a message
naming the variable (minyi.env), and a misconfigured production start refuses to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from minyi.env import ConfigError, env_bool, env_int, env_list, env_str

PROJECT = Path(__file__).resolve().parents[2]


# -- the helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_env_bool_reads_the_usual_spellings_of_true(monkeypatch, raw):
    monkeypatch.setenv("MINYI_TEST_FLAG", raw)

    assert env_bool("MINYI_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_reads_the_usual_spellings_of_false(monkeypatch, raw):
    monkeypatch.setenv("MINYI_TEST_FLAG", raw)

    assert env_bool("MINYI_TEST_FLAG", True) is False


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("MINYI_TEST_FLAG", raising=False)

    assert env_bool("MINYI_TEST_FLAG", True) is True


def test_env_bool_rejects_maybe_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("MINYI_TEST_FLAG", "maybe")

    with pytest.raises(ConfigError, match="MINYI_TEST_FLAG='maybe' is not a boolean"):
        env_bool("MINYI_TEST_FLAG", False)


def test_env_int_reads_a_number_and_defaults_when_empty(monkeypatch):
    monkeypatch.setenv("MINYI_TEST_INT", "42")
    assert env_int("MINYI_TEST_INT", 5) == 42

    monkeypatch.setenv("MINYI_TEST_INT", " ")
    assert env_int("MINYI_TEST_INT", 5) == 5


def test_env_int_rejects_a_word_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("MINYI_TEST_INT", "x")

    with pytest.raises(ConfigError, match="MINYI_TEST_INT='x' is not an integer"):
        env_int("MINYI_TEST_INT", 5)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("MINYI_TEST_LIST", "a.example, b.example,,")

    assert env_list("MINYI_TEST_LIST", []) == ["a.example", "b.example"]


def test_env_str_keeps_an_empty_value_apart_from_an_unset_one(monkeypatch):
    monkeypatch.setenv("MINYI_TEST_STR", "")
    assert env_str("MINYI_TEST_STR", "default") == ""

    monkeypatch.delenv("MINYI_TEST_STR")
    assert env_str("MINYI_TEST_STR", "default") == "default"


# -- a real start ---------------------------------------------------------------------------------


def manage_check(tmp_path, **overrides: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["MINYI_VAR_DIR"] = str(tmp_path)  # keep secret_key and the database out of var/
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = manage_check(tmp_path, DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="minyi.example")

    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_production_with_a_short_secret_key_refuses_to_start(tmp_path):
    result = manage_check(tmp_path, DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="minyi.example")

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in result.stderr


def test_a_mysql_database_url_is_refused_with_a_clear_message(tmp_path):
    result = manage_check(tmp_path, DATABASE_URL="mysql://minyi:pw@127.0.0.1:3306/minyi")

    assert result.returncode != 0
    assert "DATABASE_URL must be SQLite or PostgreSQL" in result.stderr


def test_a_misspelt_debug_flag_is_refused_by_name(tmp_path):
    result = manage_check(tmp_path, DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_complete_production_configuration_passes_the_check(tmp_path):
    result = manage_check(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="minyi.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_console_sms_backend_that_sends_nothing(tmp_path):
    result = manage_check(
        tmp_path,
        DEBUG="0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="minyi.example",
        MINYI_SMS_BACKEND="console",
        MINYI_SMS_ALLOW_TEST_BACKEND="0",
    )

    assert result.returncode != 0
    assert "MINYI_SMS_BACKEND=console sends no SMS and is refused when DEBUG is off" in (
        result.stderr
    )


def test_production_refuses_the_file_sms_backend_unless_allowed_on_purpose(tmp_path):
    production = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "minyi.example",
        "MINYI_SMS_BACKEND": "file",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
    }

    refused = manage_check(tmp_path, **production, MINYI_SMS_ALLOW_TEST_BACKEND="0")
    allowed = manage_check(tmp_path, **production, MINYI_SMS_ALLOW_TEST_BACKEND="1")

    assert refused.returncode != 0 and "MINYI_SMS_ALLOW_TEST_BACKEND=1" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_the_demo_keeps_the_console_sms_backend(tmp_path):
    result = manage_check(
        tmp_path, DEBUG="1", MINYI_SMS_BACKEND="", MINYI_SMS_ALLOW_TEST_BACKEND="0"
    )

    assert result.returncode == 0, result.stderr


# -- several app processes: Redis -----------------------------------------------------------------


def settings_in_a_fresh_process(tmp_path, values: dict[str, str], **overrides: str) -> dict:
    """``values`` (a name -> an expression on the settings ``s``) as a process started with this
    environment reads them, in a fresh interpreter; REDIS_URL and MINYI_REDIS_PREFIX unset unless
    given."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.pop("MINYI_REDIS_PREFIX", None)
    env.update(MINYI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="minyi.settings", **overrides)
    fields = ", ".join(f"{name!r}: {expression}" for name, expression in values.items())
    script = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{{fields}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_seen(tmp_path, **overrides: str) -> dict:
    """What the console's fan-out and the cache are, in a process with this environment."""
    return settings_in_a_fresh_process(
        tmp_path,
        {
            "library_fanout": "getattr(s, 'EVENTSTREAM_REDIS', None)",
            "eventstream": "s.MINYI_EVENTSTREAM",
            "cache": "s.CACHES['default']['BACKEND']",
            "location": "s.CACHES['default'].get('LOCATION')",
            "key_prefix": "s.CACHES['default'].get('KEY_PREFIX')",
        },
        **overrides,
    )


def test_with_redis_url_the_consoles_events_fan_out_through_redis_and_the_cache_is_shared(tmp_path):
    seen = settings_seen(
        tmp_path, REDIS_URL="redis://:s3cret@10.0.0.7:6380/2", MINYI_REDIS_PREFIX="xiangtan"
    )

    assert seen["eventstream"] == {
        "REDIS_URL": "redis://:s3cret@10.0.0.7:6380/2",
        "PREFIX": "xiangtan",
    }
    # ours (minyi/core/fanout.py), not django-eventstream's one channel for every deployment
    assert seen["library_fanout"] is None
    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert seen["location"] == "redis://:s3cret@10.0.0.7:6380/2"
    # a second city on the same Redis keeps its own rate-limit counters
    assert seen["key_prefix"] == "xiangtan"


def test_without_redis_url_one_process_keeps_its_events_and_cache_to_itself(tmp_path):
    seen = settings_seen(tmp_path)

    assert seen["eventstream"] == {"REDIS_URL": "", "PREFIX": "minyi"}
    assert seen["library_fanout"] is None
    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_redis_prefix_that_is_no_plain_name_is_refused_by_name(tmp_path):
    result = manage_check(tmp_path, MINYI_REDIS_PREFIX="city two")

    assert result.returncode != 0
    assert "MINYI_REDIS_PREFIX='city two': use up to 64 letters" in result.stderr
