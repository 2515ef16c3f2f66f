"""Who is calling: the deputy behind a caller ID, as the operator's screen shows it.

One query per lookup: the phone number's unique index finds the person, and the join brings
the person's active mandates with their congresses (``deputy_for_caller``).

The query is written out in SQL rather than built by the ORM: it runs on every ring, and the
ORM spent ~0.9 ms of CPU compiling this four-table join and building model instances for a
query PostgreSQL answers in 0.03 ms (bench/RESULTS.md, caller identification). Table and
column names come from the models, so a renamed field fails loudly here, not silently.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import asdict, dataclass
from functools import cache

from django.db import DatabaseError, connection

from minyi.core.sql import column, table
from minyi.deputies.models import (
    LEVEL_RANK,
    Congress,
    Deputy,
    DeputyPhone,
    Mandate,
    congress_region_label,
)
from minyi.deputies.phones import caller_e164

GREETING = "欢迎您，{name}代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？"


@dataclass(frozen=True)
class DeputyCard:
    """What the console shows when a deputy calls (DESIGN §2.1)."""

    id: int
    name: str
    levels: list[str]
    banner: str
    greeting: str

    def as_dict(self) -> dict:
        return asdict(self)


@cache
def _active_seats_sql(by: str) -> str:
    """(deputy id, name, level, congress name) of the active mandates of an active person,
    found by ``by``: ``"number"`` (a phone number in E.164) or ``"deputy"`` (the person's id)."""
    d, m, c, p = "d", "m", "c", "p"
    joins = (
        f"{table(Mandate)} {m} "
        f"JOIN {table(Deputy)} {d} ON {d}.{column(Deputy, 'id')} = {m}.{column(Mandate, 'deputy')} "
        f"JOIN {table(Congress)} {c} ON {c}.{column(Congress, 'id')} = {m}.{column(Mandate, 'congress')}"
    )
    if by == "number":
        joins += (
            f" JOIN {table(DeputyPhone)} {p}"
            f" ON {p}.{column(DeputyPhone, 'deputy')} = {d}.{column(Deputy, 'id')}"
        )
        where = f"{p}.{column(DeputyPhone, 'number')} = %s"
    else:
        where = f"{d}.{column(Deputy, 'id')} = %s"
    return (
        f"SELECT {d}.{column(Deputy, 'id')}, {d}.{column(Deputy, 'name')}, "
        f"{m}.{column(Mandate, 'level')}, {c}.{column(Congress, 'name')} "
        f"FROM {joins} WHERE {where} AND {d}.{column(Deputy, 'is_active')} = %s "
        f"AND {m}.{column(Mandate, 'ended_on')} IS NULL"
    )


# psycopg connections of the pool on which the lookups are PREPAREd, and which ones.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

logger = logging.getLogger(__name__)


def _can_prepare() -> bool:
    """A prepared statement only where it is safe and can recover:

    - PostgreSQL with Django's pool (the default): a pooled session lives on, so the statement
      is planned once per session. Without the pool (``DB_POOL_MAX=0``, e.g. behind PgBouncer,
      whose transaction mode does not keep sessions) there is no session to keep it in;
    - client-side binding (Django's default): ``EXECUTE name(%s, %s)`` is filled in by psycopg;
    - outside a transaction: should the statement fail (a migration changed a column's type,
      so PostgreSQL refuses the cached plan), nothing is aborted and the lookup runs again as
      plain SQL. Inside a transaction the plain statement is used from the start."""
    return (
        connection.vendor == "postgresql"
        and connection.pool is not None
        and connection.settings_dict["OPTIONS"].get("server_side_binding") is not True
        and not connection.in_atomic_block
    )


def _active_seats(by: str, value) -> list[tuple[int, str, str, str]]:
    """The rows of ``_active_seats_sql``. Planning this four-table join costs PostgreSQL
    ~0.45 ms, ten times its execution, so where it can (``_can_prepare``) it is a prepared
    statement of the pooled session."""
    sql, params = _active_seats_sql(by), [value, True]
    if _can_prepare():
        try:
            return _execute_prepared(by, sql, params)
        except DatabaseError:
            logger.warning("prepared caller lookup failed; preparing it again", exc_info=True)
            _forget_prepared(by)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _statement_name(by: str) -> str:
    return f"minyi_active_seats_by_{by}"


def _execute_prepared(by: str, sql: str, params: list) -> list[tuple[int, str, str, str]]:
    name = _statement_name(by)
    with connection.cursor() as cursor:
        known = _prepared.setdefault(connection.connection, set())
        if name not in known:
            # PREPARE is not undone by a rollback; it lasts as long as the session.
            cursor.execute(f"PREPARE {name} AS {sql.replace('%s', '$1', 1).replace('%s', '$2', 1)}")
            known.add(name)
        cursor.execute(f"EXECUTE {name}(%s, %s)", params)
        return cursor.fetchall()


def _forget_prepared(by: str) -> None:
    """Drop the statement from the session (if it is there) and from our list, so the next
    lookup prepares it again."""
    name = _statement_name(by)
    if connection.connection is not None:
        _prepared.get(connection.connection, set()).discard(name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DEALLOCATE {name}")
    except DatabaseError:
        pass  # not prepared on this session, or the session is gone: either way, forgotten


def card_from_seats(seats: list[tuple[int, str, str, str]]) -> DeputyCard | None:
    """The card from (deputy id, name, level, congress name) rows of one person's active
    mandates. Highest level first, then by congress name; a congress held for two terms shows
    once: ``张三 湖南省(湘潭市、韶山市、银田镇)人大代表``, or ``李四 韶山市人大代表``."""
    if not seats:
        return None
    seats = sorted(seats, key=lambda s: (LEVEL_RANK[s[2]], s[3]))
    deputy_id, name = seats[0][0], seats[0][1]
    congresses, levels = [], []
    for _, _, level, congress in seats:
        label = congress_region_label(congress)
        if label not in congresses:
            congresses.append(label)
        if level not in levels:
            levels.append(level)
    head, rest = congresses[0], congresses[1:]
    held = f"{head}({'、'.join(rest)})" if rest else head
    return DeputyCard(
        id=deputy_id,
        name=name,
        levels=levels,
        banner=f"{name} {held}人大代表",
        greeting=GREETING.format(name=name),
    )


def deputy_for_caller(raw: str) -> DeputyCard | None:
    """The active deputy whose registered number this caller ID is, or None (unknown, hidden,
    short numbers; ended mandates; inactive persons)."""
    number = caller_e164(raw or "")
    return deputy_for_number(number) if number else None


def deputy_for_number(e164: str) -> DeputyCard | None:
    """``deputy_for_caller`` for a number already in E.164."""
    return card_from_seats(_active_seats("number", e164))


def deputy_card(deputy_id: int) -> DeputyCard | None:
    """The card of a known deputy (a call already matched), from the active mandates."""
    return card_from_seats(_active_seats("deputy", deputy_id))
