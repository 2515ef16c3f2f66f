"""Keyset pagination for the API, refusing a cursor it did not issue.

DRF decodes ``?cursor=`` (base64 of ``p=<position>&o=<offset>&r=<reverse>``) and then filters
on the position as given: a cursor that decodes to ``p=notadate`` reached the database and came
back as a 500, and a malformed one is a 404 "Invalid cursor". Here every such cursor is a 400
``invalid_cursor``, and the position must be a value of the ordering column (a date in the
product's years, for a date).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import exceptions, pagination

from minyi.core import bounds


class InvalidCursor(exceptions.APIException):
    status_code = 400
    default_detail = "翻页参数无效或已被修改，请从第一页重新开始。"
    default_code = "invalid_cursor"


class CursorPagination(pagination.CursorPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound:
            raise InvalidCursor() from None
        if cursor is not None and cursor.position is not None:
            self._check_position(cursor.position)
        return cursor

    def _check_position(self, position: str) -> None:
        field = self._model._meta.get_field(self.ordering[0].lstrip("-").split("__")[0])
        try:
            value = field.to_python(position)
        except (ValidationError, ValueError, OverflowError):
            raise InvalidCursor() from None
        if hasattr(value, "year") and not bounds.date_allowed(value):
            raise InvalidCursor()
