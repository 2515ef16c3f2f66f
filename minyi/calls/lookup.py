"""Who is calling: the deputy behind a caller ID, as the operator's screen shows it.

One query per lookup: the phone number's unique index finds the person, and the join brings
the person's active mandates with their congresses (``deputy_for_caller``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from minyi.deputies.models import LEVEL_RANK, Mandate
from minyi.deputies.phones import caller_e164

GREETING = "欢迎您，{name}代表，这里是12345人大代表反映社情民意热线，请问有什么可以帮您？"


@dataclass(frozen=True)
class DeputyCard:
    """What the console shows when a deputy calls (DESIGN §2.1)."""

    id: int
    name: str
    levels: list[str]
    banner: str
    greeting: str

    def as_dict(self) -> dict:
        return asdict(self)


def _active_mandates():
    # No ORDER BY (the model's default ordering): the card sorts the few rows itself.
    return (
        Mandate.objects.filter(ended_on__isnull=True, deputy__is_active=True)
        .select_related("deputy", "congress")
        .order_by()
    )


def card_from_mandates(mandates: Iterable[Mandate]) -> DeputyCard | None:
    """Highest level first, then by congress name; a congress held for two terms shows once.

    ``张三 湖南省(湘潭市、韶山市、银田镇)人大代表``, or ``李四 韶山市人大代表`` with one congress.
    """
    mandates = sorted(mandates, key=lambda m: (LEVEL_RANK[m.level], m.congress.name))
    if not mandates:
        return None
    deputy = mandates[0].deputy
    congresses, levels = [], []
    for mandate in mandates:
        label = mandate.congress.region_label
        if label not in congresses:
            congresses.append(label)
        if mandate.level not in levels:
            levels.append(mandate.level)
    head, rest = congresses[0], congresses[1:]
    seats = f"{head}({'、'.join(rest)})" if rest else head
    return DeputyCard(
        id=deputy.pk,
        name=deputy.name,
        levels=levels,
        banner=f"{deputy.name} {seats}人大代表",
        greeting=GREETING.format(name=deputy.name),
    )


def deputy_for_caller(raw: str) -> DeputyCard | None:
    """The active deputy whose registered number this caller ID is, or None (unknown, hidden,
    short numbers; ended mandates; inactive persons)."""
    number = caller_e164(raw or "")
    if number is None:
        return None
    return card_from_mandates(_active_mandates().filter(deputy__phones__number=number))


def deputy_card(deputy_id: int) -> DeputyCard | None:
    """The card of a known deputy (a call already matched), from the active mandates."""
    return card_from_mandates(_active_mandates().filter(deputy_id=deputy_id))
