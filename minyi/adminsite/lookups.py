"""What an administrator may type into a changelist's query string.

Django's admin turns every query parameter it does not know into a ``QuerySet.filter``: any
field of the model, any lookup, any value. Protected fields are refused first (``protected.py``);
this module refuses the rest of what a query string can do that no screen of ours offers and
that breaks far from where it was typed (a year-1 date overflows in UTC, a 23-digit id cannot be
bound by SQLite, ``__range=(`` raises ``IndexError`` deep in the ORM, ``__regex=(`` is an
error of the database, not of the request):

1. The path is fields (following relations), then at most one date transform
   (``date``/``year``/``month``/``day`` on a date or time) and at most one lookup from
   ``LOOKUPS``. Regular expressions, JSON containment, ``range`` (the admin hands it the
   text unsplit, so SQL gets one parameter per character) and every other lookup are refused.
2. The value is checked against the type it will be compared with, as the ORM would convert it:
   ids and numbers in range, dates and times in the product's years (``core/bounds.py``), a
   month 1–12, ``isnull`` a boolean, ``in`` at most
   ``MAX_VALUES``; no value longer than ``MAX_TEXT`` characters.

A refusal is a ``BadFilter``: a 400 with a Chinese reason, like every bad request of ours.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models.constants import LOOKUP_SEP

from minyi.core import bounds
from minyi.core.errors import BadInput

MAX_VALUES = 100
MAX_TEXT = 200
BIGGEST_INT = 2**63 - 1

LOOKUPS = frozenset(
    {
        "exact",
        "iexact",
        "in",
        "gt",
        "gte",
        "lt",
        "lte",
        "isnull",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
    }
)
TEXT_LOOKUPS = frozenset(
    {"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}
)
# A date transform and the whole numbers it compares with ("date" compares with a date).
TRANSFORMS: dict[str, tuple[int, int] | None] = {
    "date": None,
    "year": (bounds.EARLIEST_YEAR, bounds.LATEST_YEAR),
    "month": (1, 12),
    "day": (1, 31),
}
DATE_FIELDS = (models.DateField, models.DateTimeField)  # DateTimeField is a DateField too
BOOLEAN_TEXT = {"", "0", "1", "true", "false", "True", "False"}


class BadFilter(BadInput):
    code = "bad_filter"

    def __init__(self, detail: str):
        super().__init__(f"筛选条件有误：{detail}请修改后重试。")


def check_lookup(model, lookup: str, value: str) -> None:
    """Refuse (``BadFilter``) a changelist filter no screen offers or a value it cannot hold."""
    resolved = _resolve(model, lookup)
    if resolved is None:  # not a field: a list filter's own parameter, which checks its value
        return
    field, rest = resolved
    transform, name = _split(field, rest, lookup)
    for one in _values(name, value):
        if len(one) > MAX_TEXT:
            raise BadFilter(f"条件值最多 {MAX_TEXT} 个字符。")
        if name == "isnull":
            if one not in BOOLEAN_TEXT:
                raise BadFilter("“是否为空”只能是 0 或 1。")
        elif transform == "date":
            _check_value(models.DateField(), one)
        elif transform:
            _check_int(one, *TRANSFORMS[transform])
        elif name not in TEXT_LOOKUPS:
            _check_value(field, one)


def _resolve(model, lookup: str) -> tuple[models.Field, list[str]] | None:
    """The field the path ends on and the parts after it (transforms and lookups); None when
    the first part is not a field."""
    parts = lookup.split(LOOKUP_SEP)
    field = None
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None if field is None else (field, parts[index:])
        if field.is_relation and field.related_model is not None and index + 1 < len(parts):
            model = field.related_model
    if not getattr(field, "concrete", False):  # a reverse relation named as a whole
        raise BadFilter(f"不能按“{lookup[:60]}”筛选。")
    return field, []


def _split(field, rest: list[str], lookup: str) -> tuple[str | None, str]:
    transform = None
    if rest and rest[0] in TRANSFORMS:
        if not isinstance(field, DATE_FIELDS) or (
            rest[0] == "date" and not isinstance(field, models.DateTimeField)
        ):
            raise BadFilter(f"“{lookup[:60]}”不是日期项。")
        transform, rest = rest[0], rest[1:]
    if len(rest) > 1 or (rest and rest[0] not in LOOKUPS):
        raise BadFilter(f"不支持按“{lookup[:60]}”筛选。")
    name = rest[0] if rest else "exact"
    if isinstance(field, models.JSONField) and name != "isnull":
        raise BadFilter("结构化数据只能按“是否为空”筛选。")
    return transform, name


def _values(name: str, value: str) -> list[str]:
    if name != "in":
        return [value]
    values = value.split(",")  # as the admin splits them
    if len(values) > MAX_VALUES:
        raise BadFilter(f"最多 {MAX_VALUES} 个条件值。")
    return values


def _check_int(text: str, lowest: int, highest: int) -> None:
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None
    if number is None or not lowest <= number <= highest:
        raise BadFilter(f"须是 {lowest} 至 {highest} 之间的整数。")


def _check_value(field, text: str) -> None:
    """The value as the field would take it, within what the database and product hold."""
    if field.is_relation:  # compared with the related row's key
        field = getattr(field, "target_field", None) or field.related_model._meta.pk
    try:
        value = field.to_python(text)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise BadFilter(f"“{text[:40]}”不是有效的{_kind(field)}。") from None
    if value is None:
        return
    if isinstance(field, DATE_FIELDS):
        if not bounds.date_allowed(value):
            raise BadFilter(f"日期须在 {bounds.YEARS_TEXT}。")
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if not _finite_and_bounded(value):
            raise BadFilter("数字超出范围。")
    try:  # what the type alone does not say: an IP address's form, an id within the column
        field.run_validators(value)
    except ValidationError:
        raise BadFilter(f"“{text[:40]}”不是有效的{_kind(field)}。") from None


def _finite_and_bounded(value: int | float | Decimal) -> bool:
    try:
        return math.isfinite(value) and abs(value) <= BIGGEST_INT
    except (InvalidOperation, OverflowError):
        return False


def _kind(field) -> str:
    if isinstance(field, DATE_FIELDS):
        return "日期"
    if isinstance(field, models.BooleanField):
        return "是/否值"
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
        return "数字"
    if isinstance(field, models.GenericIPAddressField):
        return "IP 地址"
    return "值"
