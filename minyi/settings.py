"""Minyi settings. Everything that differs between machines comes from the environment.

DATABASE_URL   sqlite:///… (default: var/minyi.sqlite3) or postgres://user@host:5432/name
SECRET_KEY     required when DEBUG is off; in DEBUG a key is generated once under var/
DEBUG          1/0 (default 0: production behaviour unless asked; the demo runs with it off too)
ALLOWED_HOSTS  comma-separated (default: 127.0.0.1,localhost when DEBUG)
LOG_FORMAT     json or text (default: json, text when DEBUG)
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

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
    # django.contrib.admin with our site (administrator roles only): minyi/adminsite
    "minyi.adminsite.apps.MinyiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # before django_tasks_db: its db_worker command is replaced by ours (minyi/core/worker.py)
    "minyi.core",
    # the third-party apps under their Chinese names (minyi/adminsite/apps.py)
    "minyi.adminsite.apps.TasksConfig",
    "minyi.adminsite.apps.TasksDbConfig",
    "minyi.adminsite.apps.EventstreamConfig",
    # before minyi.accounts, whose admin replaces their admin pages
    "minyi.adminsite.apps.OtpConfig",
    "minyi.adminsite.apps.OtpTotpConfig",
    "minyi.adminsite.apps.AxesConfig",
    "minyi.accounts",
    "minyi.reference",
    "minyi.workdays",
    "minyi.deputies",
    "minyi.calls",
    "minyi.orders",
    "minyi.privacy",
    "minyi.notify",
    "minyi.console",
    "minyi.intake",
    "minyi.textmine",
    "minyi.workbench",
    "minyi.suggestions",
    "minyi.mashang",
    "minyi.ledger",
    "minyi.clues",
    "minyi.hotissues",
    "minyi.hints",
    "minyi.demo",
]

MIDDLEWARE = [
    # outermost: each request's time through everything below (minyi/core/request_metrics.py)
    "minyi.core.request_metrics.RequestMetricsMiddleware",
    # then the request id, so every response carries X-Request-ID and every log line its request's id
    "minyi.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 400 for a NUL byte, a lone surrogate or invalid UTF-8 before anything reads the request
    "minyi.core.request_guard.RequestGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "minyi.core.headers.PermissionsPolicyMiddleware",
    # no-store on what a signed-in browser is shown: Back shows the current state, no disk copy
    "minyi.core.headers.PrivateAnswersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session's second factor (django-otp)
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # session limits, forced password change, second factor: minyi/accounts/gate.py
    "minyi.accounts.gate.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # turns a locked-out log-in into the log-in page with the reason (minyi/accounts/lockout.py)
    "axes.middleware.AxesMiddleware",
    # innermost, so its page still passes through the session and CSRF middleware
    "minyi.core.error_views.ErrorBodyMiddleware",
    # last, so its process_exception sees a view's database error first: a 503, not a 500
    "minyi.core.unavailable.DatabaseUnavailableMiddleware",
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
                # the role's queues with counts, search and the bell (minyi/workbench/header.py)
                "minyi.workbench.header.header",
            ],
        },
    },
]
WSGI_APPLICATION = "minyi.wsgi.application"
ASGI_APPLICATION = "minyi.asgi.application"
# The ASGI handler minyi.asgi serves with: "minyi" (minyi/core/asgi.py: Django's handler with a
# synchronous middleware stack and reused request threads; it leans on Django's private API) or
# "django" (Django's own, unchanged) — the off switch if a Django upgrade breaks ours.
ASGI_HANDLERS = ("minyi", "django")
MINYI_ASGI_HANDLER = (env_str("MINYI_ASGI_HANDLER") or "minyi").strip().lower()
if MINYI_ASGI_HANDLER not in ASGI_HANDLERS:
    raise ConfigError(
        f"MINYI_ASGI_HANDLER={MINYI_ASGI_HANDLER!r}: use one of {', '.join(ASGI_HANDLERS)}."
    )


def _database(url: str, name: str = "DATABASE_URL") -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ConfigError(f"{name}={url!r} is not a usable database URL: {exc}") from None
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
    else:
        _postgresql_fail_fast(config)
        # PgBouncer in transaction mode gives each transaction a server connection of its own,
        # and a server-side cursor (the ledger's exports stream through .iterator()) outlives its
        # transaction there: DB_SERVER_SIDE_CURSORS=0 fetches those results whole instead.
        config["DISABLE_SERVER_SIDE_CURSORS"] = not env_bool("DB_SERVER_SIDE_CURSORS", True)
    return config


def _postgresql_fail_fast(config: dict) -> None:
    """While the database is away a request fails within a few seconds (a 503, see
    minyi/core/unavailable.py) instead of hanging, and comes back by itself after a restart."""
    options = config.setdefault("OPTIONS", {})
    # an unreachable host (no answer at all) fails after this many seconds, not the OS's minutes
    options["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3)
    # Check a connection before handing it out (one empty query): after a database restart the
    # idle ones are dead, and without the check each would fail one request. For the pool this
    # is psycopg_pool's check=ConnectionPool.check_connection; without it, Django's own check.
    config["CONN_HEALTH_CHECKS"] = env_bool("DB_POOL_CHECK", True)
    if env_int("DB_POOL_MAX", 10) > 0:
        # Under ASGI each request's sync code runs in a thread of its own, so persistent
        # connections (CONN_MAX_AGE) are never reused and every request would open a new
        # PostgreSQL session (~4 ms here). Django's psycopg pool needs CONN_MAX_AGE = 0.
        # DB_POOL_MAX=0 turns it off (e.g. behind PgBouncer in transaction mode).
        config["CONN_MAX_AGE"] = 0
        options["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 10),
            # how long a request waits for a connection (psycopg_pool's default is 30 s)
            "timeout": env_int("DB_POOL_TIMEOUT", 5),
            # The pool reconnects in the background with a doubling delay that would grow
            # towards minutes during a long outage (and recovery wait as long); ending each
            # attempt after 10 s keeps the delay short: the next request starts a fresh one.
            "reconnect_timeout": 10,
        }


DATABASES = {
    "default": _database(env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'minyi.sqlite3'}")
}
# A PostgreSQL streaming replica for the read-heavy pages (ledger, its exports, statistics):
# minyi/core/dbrouter.py sends their reads there, everything else stays on default.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database(env_str("DATABASE_REPLICA_URL"), "DATABASE_REPLICA_URL")
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {
        "django.db.backends.postgresql"
    }:
        raise ConfigError("DATABASE_REPLICA_URL: the primary and the replica must be PostgreSQL.")
    # the test runner makes no database of its own for it: it reads the default test database
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["minyi.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Permissions are the duty table's (minyi/accounts/duties.py), never groups or superusers.
# axes first: it refuses a locked-out log-in before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "minyi.accounts.backends.DutyBackend",
]
# The password policy (minyi/accounts/passwords.py); the numbers are in MINYI_ACCOUNTS.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "minyi.accounts.passwords.LengthValidator"},
    {"NAME": "minyi.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "minyi.accounts.passwords.SimilarityValidator"},
    {"NAME": "minyi.accounts.passwords.CommonValidator"},
    {"NAME": "minyi.accounts.passwords.NoReuseValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# The authenticator app shows this name beside the six digits.
OTP_TOTP_ISSUER = env_str("MINYI_TOTP_ISSUER") or "民意直通12345"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the English that Django and the third-party apps show in the admin
LOCALE_PATHS = [BASE_DIR / "minyi" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development WhiteNoise serves straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files live under MEDIA_ROOT and nothing serves that folder, in DEBUG neither: they
# leave only through the download view after the visibility check (minyi/uploads, README).
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body without its files: the largest real one is an order (5,000 characters of
# content, ~15 KB); beyond this a page answers 413 (error_views), as the API does for JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# -- uploads (minyi/uploads, docs/security.md) -------------------------------------------
_UPLOAD_MAX_MB = env_int("MINYI_UPLOAD_MAX_MB", 20)
if not 1 <= _UPLOAD_MAX_MB <= 1024:
    raise ConfigError("MINYI_UPLOAD_MAX_MB must be between 1 and 1024 (megabytes).")
# The public address of the site as citizens reach it (https://12345.example.gov.cn): the QR
# codes of 码上找代表 point to it; empty means the address a request came to (minyi/mashang).
MINYI_PUBLIC_BASE_URL = env_str("MINYI_PUBLIC_BASE_URL") or ""

MINYI_UPLOADS = {
    "MAX_BYTES": _UPLOAD_MAX_MB * 1024 * 1024,
    # zip-based documents (.docx, .xlsx, .ofd), judged from the zip directory, never extracted
    "MAX_UNZIPPED_BYTES": 200 * 1024 * 1024,
    "MAX_ZIP_RATIO": 100,
    "MAX_ZIP_ENTRIES": 5000,
    # images are decoded to be re-encoded: 50 million pixels is a 8000 × 6000 photo (~150 MB)
    "MAX_IMAGE_PIXELS": 50_000_000,
}
# Past MAX_BYTES an upload is counted, not kept (the handler replaces Django's temporary-file one).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "minyi.uploads.handlers.SizeLimitedUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 5  # a form takes one file; a request never needs a hundred
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Django applies the two above to every file storage, collectstatic's too: the proxy that serves
# var/static (nginx, another user: docs/deploy.md) got 403 for every file. Static files are public.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

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
# hear every ring: set REDIS_URL and the events fan out through Redis pub/sub
# (minyi/core/fanout.py; not django-eventstream's EVENTSTREAM_REDIS, whose one fixed channel
# every deployment on a Redis would share). Pub/sub ignores the database number, so each
# deployment sharing a Redis needs its own MINYI_REDIS_PREFIX (default "minyi"); the cache's
# keys (码上找代表's rate limits) start with it too.
EVENTSTREAM_CHANNELMANAGER_CLASS = "minyi.console.events.OperatorChannels"
_REDIS_PREFIX = (env_str("MINYI_REDIS_PREFIX") or "minyi").strip()
if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", _REDIS_PREFIX):
    raise ConfigError(
        f"MINYI_REDIS_PREFIX={_REDIS_PREFIX!r}: use up to 64 letters, digits, '.', '_' "
        "or '-'."
    )
MINYI_EVENTSTREAM = {"REDIS_URL": env_str("REDIS_URL") or "", "PREFIX": _REDIS_PREFIX}

# Business defaults an administrator can override in the environment.
MINYI = {
    # How often (seconds) a process re-checks the calendar revision for edits made elsewhere.
    "CALENDAR_RECHECK_SECONDS": env_int("MINYI_CALENDAR_RECHECK_SECONDS", 5),
    # How often (seconds) a process re-checks the reference revision (time-limit rules, message
    # templates kept in memory: minyi/reference/snapshots.py) for edits made elsewhere.
    "REFERENCE_RECHECK_SECONDS": env_int("MINYI_REFERENCE_RECHECK_SECONDS", 5),
    # Order numbers look like 12345-20261122-000123.
    "ORDER_NUMBER_PREFIX": env_str("MINYI_ORDER_NUMBER_PREFIX") or "12345",
    # A PBX may send local landlines without the area code (湘潭: 0731).
    "LOCAL_AREA_CODE": env_str("MINYI_LOCAL_AREA_CODE") or "0731",
    # Monthly housekeeping (minyi/core/housekeeping.py): how long sent messages and the
    # personal-data access log are kept. The access log must be kept at least six months.
    "OUTBOX_KEEP_DAYS": env_int("MINYI_OUTBOX_KEEP_DAYS", 365),
    "ACCESS_LOG_KEEP_DAYS": env_int("MINYI_ACCESS_LOG_KEEP_DAYS", 730),
    # ... and how long the answer to a submitted form is kept for its repeats (double-click,
    # retry, Back and resubmit: minyi/core/idempotency.py).
    "IDEMPOTENCY_KEEP_DAYS": env_int("MINYI_IDEMPOTENCY_KEEP_DAYS", 7),
    # 重复诉求 (minyi/intake): a call from the same phone within this many days is a candidate
    # duplicate at intake.
    "INTAKE_DUPLICATE_PHONE_DAYS": env_int("MINYI_INTAKE_DUPLICATE_PHONE_DAYS", 30),
    # Background processes (db_worker, scheduler) and /readyz — README "Background worker".
    # Each process writes its heartbeat row at most this often (seconds).
    "HEARTBEAT_SECONDS": env_int("MINYI_HEARTBEAT_SECONDS", 5),
    # After a database error a process waits 1 s, 2 s, 4 s … at most this long, then retries.
    "DB_RETRY_MAX_SECONDS": env_int("MINYI_DB_RETRY_MAX_SECONDS", 30),
    # /readyz answers 503 when the newest worker or scheduler heartbeat is older than this …
    "READY_HEARTBEAT_MAX_AGE": env_int("MINYI_READY_HEARTBEAT_MAX_AGE", 60),
    # … or when an unsent message has waited in the outbox longer than this (seconds).
    "READY_OUTBOX_MAX_AGE": env_int("MINYI_READY_OUTBOX_MAX_AGE", 600),
}
# -- metrics at /metrics (minyi/core/metrics*.py, README "Metrics") ---------------------------
# Besides this host's own loopback scraper, a client sending "Authorization: Bearer <token>";
# unset: the loopback only.
MINYI_METRICS_TOKEN = env_str("MINYI_METRICS_TOKEN") or ""
if MINYI_METRICS_TOKEN and len(MINYI_METRICS_TOKEN) < 32:
    raise ConfigError(
        "MINYI_METRICS_TOKEN must be at least 32 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(32))')."
    )
# The directory the web, worker and scheduler processes of one host share, where
# prometheus-client keeps each process's counts so that /metrics adds them up; read by
# prometheus-client itself when it is imported. Unset: each process counts alone.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR") or ""
if PROMETHEUS_MULTIPROC_DIR and not (
    os.path.isdir(PROMETHEUS_MULTIPROC_DIR) and os.access(PROMETHEUS_MULTIPROC_DIR, os.W_OK)
):
    raise ConfigError(
        f"PROMETHEUS_MULTIPROC_DIR={PROMETHEUS_MULTIPROC_DIR!r} must be an existing directory "
        "this process can write to."
    )
# The ledger's exports (minyi/ledger/exports): up to this many rows download at once; more are
# written by the worker (an export job with a progress page), kept 7 days.
MINYI_LEDGER_EXPORT_INLINE_ROWS = env_int("MINYI_LEDGER_EXPORT_INLINE_ROWS", 5000)
# Routing hints (minyi/hints): no model, and so no hint, with fewer dispatched orders than this;
# a training reads at most the latest HINTS_TRAIN_LIMIT of them.
HINTS_MIN_ORDERS = env_int("MINYI_HINTS_MIN_ORDERS", 200)
HINTS_TRAIN_LIMIT = env_int("MINYI_HINTS_TRAIN_LIMIT", 50_000)
# how often a process looks for a newer model and re-reads the active names (seconds)
HINTS_RECHECK_SECONDS = env_int("MINYI_HINTS_RECHECK_SECONDS", 10)
# -- accounts: passwords, lock-out, second factor, sessions (docs/security.md) ---------------
_TWO_FACTOR_SCOPES = ("admins", "staff", "off")
MINYI_ACCOUNTS = {
    "PASSWORD_MIN_LENGTH": env_int("MINYI_PASSWORD_MIN_LENGTH", 10),
    "PASSWORD_HISTORY": env_int("MINYI_PASSWORD_HISTORY", 5),
    "LOCKOUT": {
        "USER_IP_FAILURES": env_int("MINYI_LOCKOUT_USER_IP_FAILURES", 5),
        "USER_FAILURES": env_int("MINYI_LOCKOUT_USER_FAILURES", 20),
        "IP_FAILURES": env_int("MINYI_LOCKOUT_IP_FAILURES", 0),
        "COOLOFF_MINUTES": env_int("MINYI_LOCKOUT_MINUTES", 15),
    },
    # who must use a TOTP second factor: the three administrators (default), every staff role
    # (everyone but deputies), or nobody (those who enrolled are still asked)
    "TWO_FACTOR_REQUIRED": (env_str("MINYI_2FA_REQUIRED") or "admins").strip().lower(),
    "IDLE_MINUTES": env_int("MINYI_SESSION_IDLE_MINUTES", 30),
    "SESSION_MAX_HOURS": env_int("MINYI_SESSION_MAX_HOURS", 12),
}
if MINYI_ACCOUNTS["TWO_FACTOR_REQUIRED"] not in _TWO_FACTOR_SCOPES:
    raise ConfigError(f"MINYI_2FA_REQUIRED must be one of {', '.join(_TWO_FACTOR_SCOPES)}.")
if MINYI_ACCOUNTS["PASSWORD_MIN_LENGTH"] < 8:
    raise ConfigError("MINYI_PASSWORD_MIN_LENGTH must be at least 8.")
if (
    min(MINYI_ACCOUNTS["LOCKOUT"]["USER_IP_FAILURES"], MINYI_ACCOUNTS["LOCKOUT"]["USER_FAILURES"])
    < 1
):
    raise ConfigError(
        "MINYI_LOCKOUT_USER_IP_FAILURES and MINYI_LOCKOUT_USER_FAILURES must be positive."
    )

# Sessions: an idle timeout and an absolute age (minyi/accounts/gate.py); the cookie itself
# never outlives the absolute age, nor the browser on a shared desk.
SESSION_COOKIE_AGE = MINYI_ACCOUNTS["SESSION_MAX_HOURS"] * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lock-out (django-axes), keyed and counted as minyi/accounts/lockout.py explains.
AXES_ENABLED = env_bool("MINYI_LOCKOUT", True)
AXES_HANDLER = "minyi.accounts.lockout.MinyiAxesHandler"
AXES_LOCKOUT_PARAMETERS = "minyi.accounts.lockout.lockout_parameters"
AXES_FAILURE_LIMIT = "minyi.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=MINYI_ACCOUNTS["LOCKOUT"]["COOLOFF_MINUTES"])
AXES_RESET_ON_SUCCESS = True  # a right password forgets that user name's earlier typos
AXES_LOCKOUT_CALLABLE = "minyi.accounts.lockout.locked_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # log-ins and log-outs are AccountEvent rows (one audit log)
AXES_ENABLE_ADMIN = False  # minyi/accounts/admin.py shows the attempts, without form data
AXES_VERBOSE = False
# The client address axes keys on: REMOTE_ADDR, which the proxy sets (README, deployment).
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# axes keeps a failed request's form data; never the passwords of the change-password page
# (a wrong current password counts as a failed log-in) nor a second-factor code
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
    "token",
]

if MINYI["ACCESS_LOG_KEEP_DAYS"] < 183:
    raise ConfigError(
        "MINYI_ACCESS_LOG_KEEP_DAYS must be at least 183: audit logs are kept six months."
    )

# -- 跟踪督办 — minyi/orders/services/tracking.py: the department's reminder comes this many
# working days before the plan date of an unsolved reply
TRACKING_REMIND_WORKING_DAYS = env_int("MINYI_TRACKING_REMIND_WORKING_DAYS", 3)

# -- 码上找代表 — minyi/mashang: SMS codes, limits, reminders, retention, statistics ------------
MINYI_MASHANG = {
    # the 6-digit SMS code: valid this long, this many wrong tries
    "SMS_CODE_TTL_SECONDS": env_int("MINYI_MASHANG_SMS_CODE_TTL_SECONDS", 300),
    "SMS_CODE_MAX_ATTEMPTS": env_int("MINYI_MASHANG_SMS_CODE_MAX_ATTEMPTS", 5),
    # codes sent: one a minute and this many an hour to a number; this many an hour from an IP
    "SMS_CODE_INTERVAL_SECONDS": env_int("MINYI_MASHANG_SMS_CODE_INTERVAL_SECONDS", 60),
    "SMS_CODES_PER_PHONE_HOUR": env_int("MINYI_MASHANG_SMS_CODES_PER_PHONE_HOUR", 5),
    "SMS_CODES_PER_IP_HOUR": env_int("MINYI_MASHANG_SMS_CODES_PER_IP_HOUR", 20),
    # messages: per phone a day, per IP an hour, per deputy an hour
    "MESSAGES_PER_PHONE_DAY": env_int("MINYI_MASHANG_MESSAGES_PER_PHONE_DAY", 5),
    "MESSAGES_PER_IP_HOUR": env_int("MINYI_MASHANG_MESSAGES_PER_IP_HOUR", 10),
    "MESSAGES_PER_DEPUTY_HOUR": env_int("MINYI_MASHANG_MESSAGES_PER_DEPUTY_HOUR", 30),
    # a message unanswered this many working days reminds the deputy; this many, the station
    "DEPUTY_REMIND_WORKING_DAYS": env_int("MINYI_MASHANG_DEPUTY_REMIND_WORKING_DAYS", 3),
    "STATION_TELL_WORKING_DAYS": env_int("MINYI_MASHANG_STATION_TELL_WORKING_DAYS", 5),
    # message text and the citizen's fields are scrubbed this many days after closing
    "RETENTION_DAYS": env_int("MINYI_MASHANG_RETENTION_DAYS", 365),
    # responsiveness is shown from this many messages; below it "样本不足"
    "STATS_MIN_SAMPLE": env_int("MINYI_MASHANG_STATS_MIN_SAMPLE", 10),
    # the public pages' and API's requests per client address (minyi/mashang/ratelimits.py,
    # django-ratelimit's "N/m" or "N/h"): getting a code, sending, looking up, rating
    "RATES": {
        "sms_code": env_str("MINYI_MASHANG_RATE_SMS_CODE") or "30/h",
        "message": env_str("MINYI_MASHANG_RATE_MESSAGE") or "30/h",
        "track": env_str("MINYI_MASHANG_RATE_TRACK") or "30/m",
        "rating": env_str("MINYI_MASHANG_RATE_RATING") or "10/m",
    },
}

# The rate limits above and the SMS codes' wrong tries count in the default cache. Local memory (Django's default) counts per process: with more than one app process set
# REDIS_URL and they count together in Redis.
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "KEY_PREFIX": _REDIS_PREFIX,
        }
    }

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
    # test hook: the file backend also writes the code of a 码上找代表 SMS code ("code"), for a
    # browser test to read; refused below unless the test backends are allowed
    "FILE_KEEP_CODES": env_bool("MINYI_SMS_FILE_KEEP_CODES", False),
    # the demo: the console backend also prints that code (its terminal stands for the phone);
    # refused below unless the test backends are allowed
    "CONSOLE_SHOWS_CODES": env_bool("MINYI_SMS_CONSOLE_SHOWS_CODES", False),
    "TENCENT": {
        "SECRET_ID": env_str("MINYI_SMS_TENCENT_SECRET_ID") or "",
        "SECRET_KEY": env_str("MINYI_SMS_TENCENT_SECRET_KEY") or "",
        "SDK_APP_ID": env_str("MINYI_SMS_TENCENT_SDK_APP_ID") or "",
        "SIGN_NAME": env_str("MINYI_SMS_TENCENT_SIGN_NAME") or "",
        "REGION": env_str("MINYI_SMS_TENCENT_REGION") or "ap-guangzhou",
    },
}
# The console and file backends send nothing: in production they would swallow every SMS. With
# DEBUG off they are refused unless someone says on purpose that no SMS should leave (a staging
# server, the test suite).
TEST_SMS_BACKENDS = ("console", "file")
if (
    MINYI_SMS["BACKEND"] in TEST_SMS_BACKENDS
    and not DEBUG
    and not env_bool("MINYI_SMS_ALLOW_TEST_BACKEND", False)
):
    raise ConfigError(
        f"MINYI_SMS_BACKEND={MINYI_SMS['BACKEND']} sends no SMS and is refused when DEBUG is off: "
        "set MINYI_SMS_BACKEND=tencent (or your provider's backend), or "
        "MINYI_SMS_ALLOW_TEST_BACKEND=1 where no SMS may leave on purpose."
    )
if MINYI_SMS["FILE_KEEP_CODES"] and (
    MINYI_SMS["BACKEND"] != "file" or not (DEBUG or env_bool("MINYI_SMS_ALLOW_TEST_BACKEND", False))
):
    raise ConfigError(
        "MINYI_SMS_FILE_KEEP_CODES=1 writes SMS codes in clear to the file backend: it needs "
        "MINYI_SMS_BACKEND=file and DEBUG=1 or MINYI_SMS_ALLOW_TEST_BACKEND=1 (tests only)."
    )
if MINYI_SMS["CONSOLE_SHOWS_CODES"] and not (
    DEBUG or env_bool("MINYI_SMS_ALLOW_TEST_BACKEND", False)
):
    raise ConfigError(
        "MINYI_SMS_CONSOLE_SHOWS_CODES=1 prints SMS codes on the terminal (console backend): it "
        "needs DEBUG=1 or MINYI_SMS_ALLOW_TEST_BACKEND=1 (the demo only)."
    )
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

# -- logging: no full phone number, SMS code or ID number in any log line (DESIGN §9) ---------
# Every handler carries ``personal_data`` (minyi/core/logfilters.py); the access log also drops
# query-string values. Django's own handlers are replaced by these. uvicorn's loggers stay as
# uvicorn set them up before importing the app (its --log-level and --no-access-log hold);
# CoreConfig.ready puts the same filters, and the same format, on them
# (minyi/core/logfilters.guard_server_loggers). README "Logs".
# LOG_FORMAT: json (one object per line with the request id: minyi/core/jsonlog.py) for the
# log collector, or text (the message alone) for a developer's terminal.
LOG_FORMATS = ("json", "text")
LOG_FORMAT = (env_str("LOG_FORMAT") or ("text" if DEBUG else "json")).strip().lower()
if LOG_FORMAT not in LOG_FORMATS:
    raise ConfigError(f"LOG_FORMAT={LOG_FORMAT!r}: use one of {', '.join(LOG_FORMATS)}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "minyi.core.jsonlog.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "filters": {
        # the request id (or the worker's task id) on every record: minyi/core/log_context.py
        "log_context": {"()": "minyi.core.log_context.ContextFilter"},
        "personal_data": {"()": "minyi.core.logfilters.MaskPersonalData"},
        "no_query_values": {"()": "minyi.core.logfilters.DropQueryValues"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["log_context", "personal_data"],
        },
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["log_context", "no_query_values", "personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        # no handlers: Django's unfiltered console and mail_admins go; records reach the root's
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["access"], "level": "INFO", "propagate": False},
        # axes narrates every log-in at INFO; failures and lock-outs (WARNING) are enough here,
        # and every one of them is also an AccountEvent row
        "axes": {"level": "WARNING"},
        # redis-py gives this logger a plain handler of its own (unmasked, not JSON) when its
        # first pub/sub starts, unless the logger exists: declared here, it goes to the root's
        "push_response": {"level": "INFO"},
    },
}

# -- HTTPS and security headers (docs/security.md) ---------------------------------------
# Production defaults are safe; each one can be changed from the environment. Behind a TLS proxy
# Django must learn that the request was HTTPS: uvicorn's --proxy-headers does it for the proxy's
# address (--forwarded-allow-ips), or name the header the proxy sets in SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer's health checks may come over plain HTTP, straight to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browsers (hstspreload.org): on only when the operator says so.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_str("SECURE_PROXY_SSL_HEADER"):  # e.g. X-Forwarded-Proto; only if the proxy always sets it
    _header = env_str("SECURE_PROXY_SSL_HEADER").strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_header}", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx sends the token from base.html's hx-headers.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# minyi.core.headers: the browser features no page of ours uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp): scripts and styles from our own origin only, no inline
# code and no eval, anywhere (templates keep scripts and styles in static files; a test checks).
# img-src allows data: for the icons Swagger UI and the admin draw from CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
