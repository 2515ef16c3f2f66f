"""Hand-written statements for the few hot paths where the ORM's own cost shows (the CTI
webhook runs on every ring; bench/RESULTS.md). They take table and column names from the models
and values through the fields' own conversions, so they stay in step with the schema."""

from __future__ import annotations

from functools import cache

from django.db import NotSupportedError, connection, models


def table(model: type[models.Model]) -> str:
    """The model's table name, quoted for the database."""
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[models.Model], field: str) -> str:
    """A field's column name, quoted for the database."""
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache
def _insert_statement(
    model: type[models.Model], unless_exists_on: str | None, vendor: str
) -> tuple[list[models.Field], str]:
    """The fields written and the SQL, once per model. Only plain models qualify: one table,
    an auto-incremented id, no generated columns and no database defaults."""
    meta = model._meta
    if meta.parents or not getattr(meta.pk, "db_returning", False):
        raise NotSupportedError(f"insert_row: {meta.label} needs one table and an auto id.")
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if any(f.generated or f.has_db_default() for f in fields):
        raise NotSupportedError(f"insert_row: {meta.label} has generated or database defaults.")
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if unless_exists_on:
        sql += f" ON CONFLICT ({column(model, unless_exists_on)}) DO NOTHING"
    return fields, sql + f" RETURNING {qn(meta.pk.column)}"


def insert_row(obj: models.Model, *, unless_exists_on: str | None = None) -> bool:
    """INSERT ``obj`` in one round trip (``… RETURNING id``) and set its primary key.

    With ``unless_exists_on`` (a field with a unique constraint), ``ON CONFLICT (…) DO NOTHING``:
    returns False and writes nothing when a row with that value exists. On PostgreSQL a
    concurrent, uncommitted insert of the same value is waited for. No signals are sent
    (``save()`` would send ``pre_save`` / ``post_save``); the default database only."""
    if not connection.features.can_return_columns_from_insert:
        raise NotSupportedError("insert_row needs INSERT … RETURNING (SQLite 3.35 or later).")
    fields, sql = _insert_statement(type(obj), unless_exists_on, connection.vendor)
    obj._prepare_related_fields_for_save(operation_name="insert_row")  # unsaved targets raise
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    obj.pk = row[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return True
