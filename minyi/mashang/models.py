"""码上找代表: the public code of a deputy (per person, all their mandates) or a liaison station.

A code is short, unguessable and stable: printed on a card as a QR code, it stays valid until the
card is lost and the code regenerated (``services.code_regenerate``); a retired code keeps its row
(``is_active`` false, ``retired_at``) and its page answers 404 with a friendly page.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# Lower-case letters and digits without the ones read for each other (0/o, 1/l/i).
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 10


class MashangCode(models.Model):
    code = models.CharField("码", max_length=16, unique=True)
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name="代表",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mashang_codes",
    )
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        verbose_name="联络站",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mashang_codes",
    )
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("生成时间")
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "码上找代表二维码"
        verbose_name_plural = "码上找代表二维码"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(deputy__isnull=False) & Q(station__isnull=True))
                | (Q(deputy__isnull=True) & Q(station__isnull=False)),
                name="mashang_code_one_owner",
            ),
            models.UniqueConstraint(
                fields=["deputy"], condition=Q(is_active=True), name="mashang_one_active_per_deputy"
            ),
            models.UniqueConstraint(
                fields=["station"],
                condition=Q(is_active=True),
                name="mashang_one_active_per_station",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def owner(self):
        return self.deputy or self.station

    @property
    def kind(self) -> str:
        """`deputy` or `station` (the command's first column)."""
        return "deputy" if self.deputy_id else "station"

    @property
    def path(self) -> str:
        return f"/m/{self.code}"
