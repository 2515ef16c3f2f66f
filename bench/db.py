"""The bench database: create it, set Django up on it, run raw SQL."""

from __future__ import annotations

import os
import secrets
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench"
QUICK_URL = "postgres://postgres@127.0.0.1:5432/minyi_bench_quick"


def ensure_database(url: str) -> str:
    """Create the database named in ``url`` if it does not exist; return its name."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    name = params.get("dbname")
    if not name:
        raise SystemExit(f"DATABASE_URL {url!r} names no database")
    admin = make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    return name


def setup_django(url: str, *, migrate: bool = True) -> None:
    """Django on ``url`` with the production settings; ``migrate=False`` leaves the schema alone
    (and with it the ledger's post-migrate backfill, minutes at 1,000,000 orders without rows)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    # Measure what production runs: DEBUG off (no query log kept per connection).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # the bench's clients speak plain HTTP on the loopback: no redirect to an https never served
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # the bench sends no SMS: the console backend stands in, allowed with DEBUG off on purpose
    os.environ.setdefault("MINYI_SMS_ALLOW_TEST_BACKEND", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("the benchmark needs PostgreSQL (DATABASE_URL=postgres://…)")
    if migrate:
        call_command("migrate", verbosity=0, interactive=False)


def sql_scalar(query: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params or [])
        row = cur.fetchone()
    return row[0] if row else None


def sql_exec(query: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(query, params or [])
        return cur.rowcount


def vacuum_analyze(*tables: str) -> float:
    started = time.perf_counter()
    for table in tables:
        sql_exec(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started
