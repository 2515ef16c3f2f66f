"""码上找代表's codes: issued once per deputy or station, regenerated when a card is lost.

Each service locks the owner's row (a deputy or a liaison station), so two requests never issue
two active codes for it (the unique constraint would refuse the second anyway). Regenerating is
an administrator's act on the registry and is audited like the registry's other changes: one
``deputies.RegistryChange`` row (kind ``code_regenerate``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from minyi.core import clock
from minyi.deputies.models import Deputy, LiaisonStation, RegistryChangeKind
from minyi.deputies.services import registry_change_record
from minyi.mashang.models import ALPHABET, CODE_LENGTH, MashangCode

Owner = Deputy | LiaisonStation


def new_code() -> str:
    """A fresh random code (31¹⁰ ≈ 8 × 10¹⁴ possible codes: not guessable by trying)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def is_code_shaped(text: str) -> bool:
    """Whether ``text`` can be a code at all (anything else is not looked up)."""
    return len(text) == CODE_LENGTH and all(ch in ALPHABET for ch in text)


def _field(owner: Owner) -> str:
    if isinstance(owner, Deputy):
        return "deputy"
    if isinstance(owner, LiaisonStation):
        return "station"
    raise TypeError(f"a code belongs to a deputy or a liaison station, not {owner!r}")


def _locked(owner: Owner) -> Owner:
    return type(owner).objects.select_for_update().get(pk=owner.pk)


def _issue(field: str, owner: Owner) -> MashangCode:
    while True:
        code = new_code()
        if not MashangCode.objects.filter(code=code).exists():
            return MashangCode.objects.create(code=code, created_at=clock.now(), **{field: owner})


@transaction.atomic
def code_for(owner: Owner) -> MashangCode:
    """The active code of a deputy or a station, issued when it has none."""
    field = _field(owner)
    owner = _locked(owner)
    current = MashangCode.objects.filter(is_active=True, **{field: owner}).first()
    return current or _issue(field, owner)


@transaction.atomic
def code_regenerate(owner: Owner, *, actor=None) -> MashangCode:
    """A lost card: the owner's active code retires (its page answers 404 from now on) and a new
    one is issued. Audited as a registry change."""
    field = _field(owner)
    owner = _locked(owner)
    now = clock.now()
    old = MashangCode.objects.filter(is_active=True, **{field: owner}).first()
    if old is not None:
        old.is_active, old.retired_at = False, now
        old.save(update_fields=["is_active", "retired_at"])
    new = _issue(field, owner)
    label = "代表" if field == "deputy" else "联络站"
    registry_change_record(
        kind=RegistryChangeKind.CODE_REGENERATE,
        actor=actor,
        summary=f"重新生成{label}「{owner}」的码上找代表二维码（原码已停用）",
        details={
            field: owner.pk,
            "old": old.code if old else None,
            "new": new.code,
        },
    )
    return new


def active_codes() -> list[MashangCode]:
    """Every active deputy and every station with its code (issued where missing): deputies first,
    each group by name."""
    deputies = list(Deputy.objects.filter(is_active=True).order_by("name", "id"))
    stations = list(LiaisonStation.objects.order_by("name", "id"))
    return [*codes_of(deputies), *codes_of(stations)]


def codes_of(owners: list[Owner]) -> list[MashangCode]:
    """The active code of each owner (all deputies or all stations), in their order: read in one
    query, and issued (``code_for``, which locks) only for an owner that has none yet — so a
    public page listing many deputies reads, and writes only the first time."""
    if not owners:
        return []
    field = _field(owners[0])
    found = {
        getattr(code, f"{field}_id"): code
        for code in MashangCode.objects.filter(
            is_active=True, **{f"{field}__in": [o.pk for o in owners]}
        ).select_related(field)
    }
    return [found.get(owner.pk) or code_for(owner) for owner in owners]


def public_url(code: MashangCode, request=None) -> str:
    """The address printed in the QR code: ``MINYI_PUBLIC_BASE_URL`` when set, otherwise the
    address the request came to."""
    base = settings.MINYI_PUBLIC_BASE_URL
    if base:
        return f"{base.rstrip('/')}{code.path}"
    if request is None:
        raise ValueError("MINYI_PUBLIC_BASE_URL is not set and there is no request to build on")
    return request.build_absolute_uri(code.path)
