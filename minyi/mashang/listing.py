"""How the public pages list deputies: each with the congresses they sit in (highest first,
each once) and their code, in a fixed number of queries however many deputies there are."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from minyi.deputies.models import LEVEL_RANK, Deputy, Mandate
from minyi.mashang.models import MashangCode
from minyi.mashang.services import codes_of


def active_mandates() -> QuerySet[Mandate]:
    return Mandate.objects.active().select_related("congress", "station")


def highest_first(mandates) -> list[Mandate]:
    return sorted(mandates, key=lambda m: (LEVEL_RANK.get(m.level, 99), m.congress.name))


def levels(mandates: list[Mandate]) -> list[str]:
    """`湖南省人大代表`, `韶山市人大代表`: highest first, each congress once."""
    return list(dict.fromkeys(f"{m.congress.name}代表" for m in mandates))


@dataclass(frozen=True)
class Listed:
    deputy: Deputy
    levels: list[str]
    code: MashangCode


def deputies_listed(deputy_ids: QuerySet) -> list[Listed]:
    """The active deputies among ``deputy_ids`` (a values queryset of ids), by name."""
    deputies = list(
        Deputy.objects.filter(is_active=True, pk__in=deputy_ids)
        .order_by("name", "id")
        .prefetch_related(Prefetch("mandates", queryset=active_mandates(), to_attr="active"))
    )
    return [
        Listed(deputy=deputy, levels=levels(highest_first(deputy.active)), code=code)
        for deputy, code in zip(deputies, codes_of(deputies), strict=True)
    ]
