"""Who is calling: the deputy behind a caller ID, as the operator's screen shows it.

One query per lookup: the phone number's unique index finds the person, and the join brings
the person's active mandates with their congresses (``deputy_for_caller``).

The query is written out in SQL rather than built by the ORM: it runs on every ring, and the
ORM spent ~0.9 ms of CPU compiling this four-table join and building model instances for a
query PostgreSQL answers in 0.03 ms (bench/RESULTS.md, caller identification). Table and
column names come from the models, so a renamed field fails loudly here, not silently.
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass
from functools import cache

from django.db import connection

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


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _active_seats_sql(by: str) -> str:
    """(deputy id, name, level, congress name) of the active mandates of an active person,
    found by ``by``: ``"number"`` (a phone number in E.164) or ``"deputy"`` (the person's id)."""
    d, m, c, p = "d", "m", "c", "p"
    joins = (
        f"{_table(Mandate)} {m} "
        f"JOIN {_table(Deputy)} {d} ON {d}.{_column(Deputy, 'id')} = {m}.{_column(Mandate, 'deputy')} "
        f"JOIN {_table(Congress)} {c} ON {c}.{_column(Congress, 'id')} = {m}.{_column(Mandate, 'congress')}"
    )
    if by == "number":
        joins += (
            f" JOIN {_table(DeputyPhone)} {p}"
            f" ON {p}.{_column(DeputyPhone, 'deputy')} = {d}.{_column(Deputy, 'id')}"
        )
        where = f"{p}.{_column(DeputyPhone, 'number')} = %s"
    else:
        where = f"{d}.{_column(Deputy, 'id')} = %s"
    return (
        f"SELECT {d}.{_column(Deputy, 'id')}, {d}.{_column(Deputy, 'name')}, "
        f"{m}.{_column(Mandate, 'level')}, {c}.{_column(Congress, 'name')} "
        f"FROM {joins} WHERE {where} AND {d}.{_column(Deputy, 'is_active')} = %s "
        f"AND {m}.{_column(Mandate, 'ended_on')} IS NULL"
    )


# psycopg connections of the pool on which the lookups are PREPAREd, and which ones.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _active_seats(by: str, value) -> list[tuple[int, str, str, str]]:
    """On PostgreSQL with the connection pool (the default), the query is a prepared statement
    of the pooled session: planning this four-table join costs PostgreSQL ~0.45 ms, ten times
    its execution. Without the pool (``DB_POOL_MAX=0``, e.g. behind PgBouncer, whose
    transaction mode does not keep sessions) and on SQLite it is sent as it is."""
    sql, params = _active_seats_sql(by), [value, True]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.pool is not None:
            session, name = connection.connection, f"minyi_active_seats_by_{by}"
            known = _prepared.setdefault(session, set())
            if name not in known:
                # PREPARE is not undone by a rollback; it lasts as long as the session.
                cursor.execute(
                    f"PREPARE {name} AS {sql.replace('%s', '$1', 1).replace('%s', '$2', 1)}"
                )
                known.add(name)
            sql = f"EXECUTE {name}(%s, %s)"
        cursor.execute(sql, params)
        return cursor.fetchall()


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
