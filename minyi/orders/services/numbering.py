from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from minyi.core import timefmt
from minyi.orders.models import DailyCounter


def order_number_next(*, day: date) -> str:
    """The next human order number of ``day``: ``12345-20261122-000123``.

    The counter row is updated in place (``last = last + 1``), which takes the row lock until the
    surrounding transaction ends, so two operators never get the same number.
    """
    with transaction.atomic():
        updated = DailyCounter.objects.filter(day=day).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    DailyCounter.objects.create(day=day, last=1)
            except IntegrityError:  # another process created today's row first
                DailyCounter.objects.filter(day=day).update(last=F("last") + 1)
        last = DailyCounter.objects.values_list("last", flat=True).get(day=day)
    prefix = settings.MINYI["ORDER_NUMBER_PREFIX"]
    return f"{prefix}-{timefmt.compact_day(day)}-{last:06d}"
