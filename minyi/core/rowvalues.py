"""Row-value comparisons for keyset paging: ``(due, id) > (%s, %s)`` from the ORM.

A keyset page starts right after the last row shown. Written the long way,
``due >= d AND (due > d OR id > i)``, the database can only range-scan on ``due`` and then test
the tie-break row by row: every working-day deadline ends at 23:59:59, so a deep page of the
handler's 办理中 walked thousands of orders sharing one deadline before reaching its own (page
401 at 4× page 1's time at 1M orders). As one row value, the comparison is a single range on a
``(due, id)`` index, and the page starts at its first row whatever the depth.

PostgreSQL and SQLite (3.15 or later) both compare row values. Django 5.2's own tuple lookups
(``django.db.models.fields.tuple_lookups``) are private, for composite primary keys, and fall
back to the long form on SQLite (``supports_tuple_lookups = False``): hence this small one.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import BooleanField, Expression, F, Value

_OPERATORS = ("<", "<=", ">", ">=")


class RowCompare(Expression):
    """``(columns…) op (values…)``, usable in ``filter()``; each value is converted by its
    column's own field (a datetime to UTC on SQLite, a date to a date)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, columns: Sequence[str | Expression], op: str, values: Sequence):
        if op not in _OPERATORS:
            raise ValueError(f"RowCompare: operator {op!r} is not one of {_OPERATORS}")
        if len(columns) != len(values) or len(columns) < 2:
            raise ValueError("RowCompare: as many values as columns, two or more")
        super().__init__()
        self.op = op
        self.columns = [F(c) if isinstance(c, str) else c for c in columns]
        self.values = list(values)

    def get_source_expressions(self):
        return [*self.columns, *(v for v in self.values if hasattr(v, "resolve_expression"))]

    def set_source_expressions(self, exprs):
        exprs = list(exprs)
        self.columns = exprs[: len(self.columns)]
        rest = iter(exprs[len(self.columns) :])
        self.values = [next(rest) if hasattr(v, "resolve_expression") else v for v in self.values]

    def resolve_expression(self, *args, **kwargs):
        resolved = super().resolve_expression(*args, **kwargs)
        resolved.values = [
            value
            if hasattr(value, "resolve_expression")
            else Value(value, output_field=column.output_field)
            for column, value in zip(resolved.columns, resolved.values, strict=True)
        ]
        return resolved

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for side in (self.columns, self.values):
            compiled = [compiler.compile(expression) for expression in side]
            parts.append(", ".join(sql for sql, _ in compiled))
            params += [param for _, values in compiled for param in values]
        return f"({parts[0]}) {self.op} ({parts[1]})", params


def after(columns: Sequence[str], values: Sequence) -> RowCompare:
    """The rows after ``values`` in ascending order of ``columns``."""
    return RowCompare(columns, ">", values)


def before(columns: Sequence[str], values: Sequence) -> RowCompare:
    """The rows after ``values`` in descending order of ``columns`` (newest first)."""
    return RowCompare(columns, "<", values)
