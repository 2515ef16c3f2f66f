"""Minyi settings. Everything that differs between machines comes from the environment.

DATABASE_URL   sqlite:///… (default: var/minyi.sqlite3) or postgres://user@host:5432/name
SECRET_KEY     required when DEBUG is off; in DEBUG a key is generated once under var/
DEBUG          1/0 (default 0: production behaviour unless asked; `make run` sets 1 for the demo)
ALLOWED_HOSTS  comma-separated (default: 127.0.0.1,localhost when DEBUG)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from minyi.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MINYI_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if not DEBUG and len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        return key
    if not DEBUG:
        raise ConfigError("SECRET_KEY is required when DEBUG is off.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_eventstream",
    "minyi.core",
    "minyi.accounts",
    "minyi.reference",
    "minyi.workdays",
    "minyi.deputies",
    "minyi.calls",
    "minyi.orders",
    "minyi.privacy",
    "minyi.notify",
    "minyi.console",
    "minyi.workbench",
    "minyi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 400 for a NUL byte, a lone surrogate or invalid UTF-8 before anything reads the request
    "minyi.core.request_guard.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # innermost, so its page still passes through the session and CSRF middleware
    "minyi.core.error_views.ErrorBodyMiddleware",
]
CSRF_FAILURE_VIEW = "minyi.core.error_views.csrf_failure"

ROOT_URLCONF = "minyi.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "minyi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "minyi.wsgi.application"
ASGI_APPLICATION = "minyi.asgi.application"


def _database() -> dict:
    url = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'minyi.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ConfigError(f"DATABASE_URL={url!r} is not a usable database URL: {exc}") from None
    engine = config["ENGINE"]
    if engine.endswith("sqlite3"):
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
        # failing with "database is locked" when it upgrades a read lock.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
        # A file, not memory: the browser tests' ASGI server thread opens its own connections.
        # Named per process so two test runs on one machine never share a database.
        config["TEST"] = {"NAME": str(VAR_DIR / f"test_minyi_{os.getpid()}.sqlite3")}
    elif "postgresql" not in engine:
        raise ConfigError(f"DATABASE_URL must be SQLite or PostgreSQL, not {engine}.")
    elif env_int("DB_POOL_MAX", 10) > 0:
        # Under ASGI each request's sync code runs in a thread of its own, so persistent
        # connections (CONN_MAX_AGE) are never reused and every request would open a new
        # PostgreSQL session (~4 ms here). Django's psycopg pool needs CONN_MAX_AGE = 0.
        # DB_POOL_MAX=0 turns it off (e.g. behind PgBouncer in transaction mode).
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 10),
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development WhiteNoise serves straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body without its files: the largest real one is an order (5,000 characters of
# content, ~15 KB); beyond this a page answers 413 (error_views), as the API does for JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "minyi.core.api_errors.exception_handler",
    # JSON through minyi.core.json_input: an object, bounded depth and size, no NUL
    "DEFAULT_PARSER_CLASSES": [
        "minyi.core.json_input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Minyi 民意直通 API",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # every error response documented in the one error shape (minyi/core/api_schema.py)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "minyi.core.api_schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "minyi.orders.models.Status",
        "AssignmentStatusEnum": "minyi.orders.models.AssignmentStatus",
        "WarningLevelEnum": "minyi.orders.models.Warning",
    },
}

# Live screen pop over server-sent events. With more than one app process, every process must
# hear every ring: set REDIS_URL and the events fan out through Redis pub/sub.
EVENTSTREAM_CHANNELMANAGER_CLASS = "minyi.console.events.OperatorChannels"
if env_str("REDIS_URL"):
    import urllib.parse

    _redis = urllib.parse.urlparse(env_str("REDIS_URL"))
    EVENTSTREAM_REDIS = {
        "host": _redis.hostname or "127.0.0.1",
        "port": _redis.port or 6379,
        "db": int((_redis.path or "/0").lstrip("/") or 0),
        "password": _redis.password,
    }

# Business defaults an administrator can override in the environment.
MINYI = {
    # How often (seconds) a process re-checks the calendar revision for edits made elsewhere.
    "CALENDAR_RECHECK_SECONDS": env_int("MINYI_CALENDAR_RECHECK_SECONDS", 5),
    # Order numbers look like 12345-20261122-000123.
    "ORDER_NUMBER_PREFIX": env_str("MINYI_ORDER_NUMBER_PREFIX") or "12345",
    # A PBX may send local landlines without the area code (湘潭: 0731).
    "LOCAL_AREA_CODE": env_str("MINYI_LOCAL_AREA_CODE") or "0731",
    # Monthly housekeeping (minyi/core/housekeeping.py): how long sent messages and the
    # personal-data access log are kept. The access log must be kept at least six months.
    "OUTBOX_KEEP_DAYS": env_int("MINYI_OUTBOX_KEEP_DAYS", 365),
    "ACCESS_LOG_KEEP_DAYS": env_int("MINYI_ACCESS_LOG_KEEP_DAYS", 730),
}
if MINYI["ACCESS_LOG_KEEP_DAYS"] < 183:
    raise ConfigError(
        "MINYI_ACCESS_LOG_KEEP_DAYS must be at least 183: audit logs are kept six months."
    )

# -- notifications (SMS) — minyi/notify, README "Notifications (SMS)" ---------------------------
MINYI_SMS = {
    # console (prints), file (one JSON line per message, deduplicated by key), tencent, or a
    # dotted path to a backend class.
    "BACKEND": env_str("MINYI_SMS_BACKEND") or "console",
    "FILE_PATH": env_str("MINYI_SMS_FILE") or str(VAR_DIR / "sms.jsonl"),
    "MAX_ATTEMPTS": env_int("MINYI_SMS_MAX_ATTEMPTS", 6),
    # retry after 30 s, 1 min, 2 min, … (doubling, at most an hour)
    "BACKOFF_SECONDS": env_int("MINYI_SMS_BACKOFF_SECONDS", 30),
    # how long a worker holds a message it is sending before another may take it over
    "LEASE_SECONDS": env_int("MINYI_SMS_LEASE_SECONDS", 60),
    # test hook: sleep between the provider call and recording it (the crash test)
    "PAUSE_AFTER_SEND_MS": env_int("MINYI_SMS_PAUSE_AFTER_SEND_MS", 0),
    "TENCENT": {
        "SECRET_ID": env_str("MINYI_SMS_TENCENT_SECRET_ID") or "",
        "SECRET_KEY": env_str("MINYI_SMS_TENCENT_SECRET_KEY") or "",
        "SDK_APP_ID": env_str("MINYI_SMS_TENCENT_SDK_APP_ID") or "",
        "SIGN_NAME": env_str("MINYI_SMS_TENCENT_SIGN_NAME") or "",
        "REGION": env_str("MINYI_SMS_TENCENT_REGION") or "ap-guangzhou",
    },
}
if MINYI_SMS["BACKEND"] == "tencent" and not DEBUG:
    _missing = [
        k
        for k in ("SECRET_ID", "SECRET_KEY", "SDK_APP_ID", "SIGN_NAME")
        if not MINYI_SMS["TENCENT"][k]
    ]
    if _missing:
        raise ConfigError(
            "MINYI_SMS_BACKEND=tencent needs "
            + ", ".join(f"MINYI_SMS_TENCENT_{k}" for k in _missing)
        )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
