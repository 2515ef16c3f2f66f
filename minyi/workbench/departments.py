"""Which departments the dispatch form offers, and in what order (issue 9: "department search in
dispatch starts from the preselected region and category").

A matter belongs to a region and a category; the departments that may take it are those of the
region or of the region above it (a town's matter may go to the city, a city's not to a town)
and in charge of the category or of its parent. These are offered first: as the form's own list
when it opens, and at the top of every search. A typed name searches all active departments;
those outside the region and category follow, in a group of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from minyi.reference.models import Category, Department, Region

LIMIT = 50


@dataclass
class Offer:
    """The departments matching the region and category, then (after a typed name) the rest."""

    matching: list[Department] = field(default_factory=list)
    others: list[Department] = field(default_factory=list)


def _active() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True)


def _in_charge(
    departments: QuerySet[Department], region: Region | None, category: Category | None
) -> QuerySet[Department]:
    if region is not None:
        departments = departments.filter(Q(region=region) | Q(region_id=region.parent_id))
    if category is not None:
        in_charge = [category.pk] + ([category.parent_id] if category.parent_id else [])
        departments = departments.filter(categories__in=in_charge).distinct()
    return departments


def search(*, q: str = "", region: Region | None, category: Category | None) -> Offer:
    """The htmx search: matches within the region and category first; with a name typed, the
    other departments of that name after them."""
    named = _active()
    if q:
        named = named.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    matching = list(_in_charge(named, region, category).order_by("name")[:LIMIT])
    others = []
    if q and (region is not None or category is not None):
        left = LIMIT - len(matching)
        others = list(named.exclude(pk__in=[d.pk for d in matching]).order_by("name")[:left])
    return Offer(matching, others)


def preselected(region: Region | None, category: Category | None) -> list[Department]:
    """The dispatch form's list when it opens: the region's departments in charge of the
    category; if there are none, the region's departments; if none either, all of them."""
    for narrowed in (_in_charge(_active(), region, category), _in_charge(_active(), region, None)):
        found = list(narrowed.order_by("name")[:LIMIT])
        if found:
            return found
    return list(_active().order_by("name")[:LIMIT])
