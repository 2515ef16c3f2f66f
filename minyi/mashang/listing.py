"""How the public pages list deputies: each with the congresses they sit in (highest first,
each once) and their code, in a fixed number of queries however many deputies there are, and
``PAGE_SIZE`` to a page, so that a station of hundreds of deputies stays a small page on a
phone (each page well under 100 KB)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
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


PAGE_SIZE = 100


@dataclass(frozen=True)
class Listing:
    rows: list[Listed]
    number: int  # this page, from 1
    pages: int
    total: int

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def deputies_listed(deputy_ids: QuerySet, page: str | int | None = 1) -> Listing:
    """The active deputies among ``deputy_ids`` (a values queryset of ids), by name: page
    ``page`` of them (a page out of range, or not a number, is the nearest one)."""
    deputies = (
        Deputy.objects.filter(is_active=True, pk__in=deputy_ids)
        .order_by("name", "id")
        .prefetch_related(Prefetch("mandates", queryset=active_mandates(), to_attr="active"))
    )
    shown = Paginator(deputies, PAGE_SIZE).get_page(page)
    rows = list(shown.object_list)
    return Listing(
        rows=[
            Listed(deputy=deputy, levels=levels(highest_first(deputy.active)), code=code)
            for deputy, code in zip(rows, codes_of(rows), strict=True)
        ],
        number=shown.number,
        pages=shown.paginator.num_pages,
        total=shown.paginator.count,
    )
