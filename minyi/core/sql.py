"""Hand-written statements for the few hot paths where the ORM's own cost shows (the CTI
webhook runs on every ring; bench/RESULTS.md). They take table and column names from the models
and values through the fields' own conversions, so they stay in step with the schema."""

from __future__ import annotations

from django.db import connection, models


def insert_row(obj: models.Model, *, unless_exists_on: str | None = None) -> bool:
    """INSERT ``obj`` in one round trip (``… RETURNING id``) and set its primary key.

    With ``unless_exists_on`` (a field with a unique constraint), ``ON CONFLICT (…) DO NOTHING``:
    returns False and writes nothing when a row with that value exists. On PostgreSQL a
    concurrent, uncommitted insert of the same value is waited for. Works on SQLite ≥ 3.35.
    No signals are sent (``save()`` would send ``pre_save`` / ``post_save``)."""
    meta = obj._meta
    qn = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if unless_exists_on:
        sql += f" ON CONFLICT ({qn(meta.get_field(unless_exists_on).column)}) DO NOTHING"
    sql += f" RETURNING {qn(meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True
