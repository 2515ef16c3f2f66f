"""Serializer fields with the product's bounds (``minyi.core.bounds``), for API input."""

from __future__ import annotations

from rest_framework import serializers

from minyi.core import bounds


class DateTimeField(serializers.DateTimeField):
    """A date-time in the years 2000–2099; a time without offset is Beijing time."""

    default_error_messages = {"out_of_range": f"时间须在 {bounds.YEARS_TEXT}。"}

    def to_internal_value(self, value):
        try:
            result = super().to_internal_value(value)
        except (OverflowError, ValueError):  # year 1 in Beijing has no UTC equivalent
            self.fail("out_of_range")
        if not bounds.date_allowed(result):
            self.fail("out_of_range")
        return result
