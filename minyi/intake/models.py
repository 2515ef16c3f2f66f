"""The duplicate-check index (重复诉求并单): what the intake search reads instead of the orders.

One ``IntakeKey`` per order (its phone, its place as a normalised key, when it came in) and a
few ``IntakeTerm`` rows (a hash of each content word), written in one insert each when the
order is indexed (``services.order_index``). Every lookup is an index range on a key and the
time window, newest first and bounded, so the check costs the same at 1,000 and 1,000,000
orders. The orders table is not touched: the index is built beside it and caught up by a
scheduled job (``intake_catch_up``); the search reads the few orders newer than its cursor
directly, so an order is a candidate from the moment it is saved.
"""

from __future__ import annotations

from django.db import models


class IntakeKey(models.Model):
    order = models.OneToOneField(
        "orders.WorkOrder", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField("登记时间")
    phone = models.CharField("联系电话", max_length=32, blank=True)
    place = models.CharField("地点键", max_length=64, blank=True)

    class Meta:
        verbose_name = "重复诉求索引"
        verbose_name_plural = "重复诉求索引"
        indexes = [
            models.Index(
                fields=["phone", "-created_at"],
                name="intake_phone_created",
                condition=~models.Q(phone=""),
            ),
            models.Index(
                fields=["place", "-created_at"],
                name="intake_place_created",
                condition=~models.Q(place=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.order_id}"


class IntakeTerm(models.Model):
    """One content word of an order (a 63-bit hash of it), for "similar text" look-ups."""

    term = models.BigIntegerField("词")
    order = models.ForeignKey(
        "orders.WorkOrder", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "重复诉求索引词"
        verbose_name_plural = "重复诉求索引词"
        indexes = [
            # term, then newest first; order_id in the key lets PostgreSQL answer from the index
            models.Index(fields=["term", "-created_at", "order"], name="intake_term_created"),
            models.Index(fields=["order"], name="intake_term_order"),
        ]

    def __str__(self) -> str:
        return f"#{self.order_id}: {self.term}"


class IntakeCursor(models.Model):
    """The last order id the catch-up job has indexed (one row)."""

    last_order_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "重复诉求索引进度"
        verbose_name_plural = "重复诉求索引进度"

    def __str__(self) -> str:
        return f"#{self.last_order_id}"
