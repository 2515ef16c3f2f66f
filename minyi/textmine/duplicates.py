"""Duplicate appeals: is B the same matter as A?

Signals: the same phone, the same place (``places.similarity``), similar text (cosine of the
word + character-bigram vectors) and the gap in days. The text must always be about the same
matter; phone and place only lower how similar it must be. ``reason`` is the strongest signal
that made the decision ("same_phone", "same_place", "similar_text").

``pairs(appeals)`` finds the duplicate pairs of a batch without comparing all n² pairs:
candidates share a phone, a place key, or one of their rarer terms.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from minyi.textmine import places
from minyi.textmine.segment import terms
from minyi.textmine.similar import cosine, matrix, vector

REASON_LABELS = {"same_phone": "同一来电号码", "same_place": "同一地点", "similar_text": "内容相似"}

MAX_GAP_DAYS = 30
TEXT_WITH_PHONE = 0.30  # text similarity enough when the phone is the same
TEXT_WITH_PLACE = 0.36  # ... when the place is the same
TEXT_ALONE = 0.62  # ... with neither (and the places not known to differ)
BLOCK_CAP = 200  # a blocking key shared by more appeals than this is too common to use
RARE_TERMS = 6  # each appeal is blocked under its rarest terms


@dataclass(frozen=True)
class Appeal:
    id: str
    text: str
    phone: str = ""
    date: dt.date | None = None
    address: str = ""


@dataclass(frozen=True)
class Judgement:
    score: float
    reason: str | None
    is_duplicate: bool


def _phone(value: str) -> str:
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return digits[-11:] if len(digits) >= 7 else ""


def matter_text(appeal: Appeal) -> str:
    """The text without its own place names: the place is judged apart, and two different
    matters at one address must not look alike because both texts name the address."""
    text = appeal.text
    for name in sorted(places.units(appeal.address), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def judge(a: Appeal, b: Appeal, *, text_similarity: float | None = None) -> Judgement:
    """Judge one pair. ``text_similarity`` may be given (a batch's TF-IDF cosine of
    ``matter_text``); otherwise the corpus-free ``similar.cosine`` is used."""
    text = (
        text_similarity
        if text_similarity is not None
        else cosine(vector(matter_text(a)), vector(matter_text(b)))
    )
    same_phone = bool(_phone(a.phone)) and _phone(a.phone) == _phone(b.phone)
    place = places.similarity(a.address, b.address)
    gap = abs((a.date - b.date).days) if a.date and b.date else None
    if gap is not None and gap > MAX_GAP_DAYS:
        return Judgement(score=round(text * 0.5, 4), reason=None, is_duplicate=False)
    candidates: list[tuple[float, str]] = []
    if same_phone:
        candidates.append((text / TEXT_WITH_PHONE, "same_phone"))
    if place is not None and place >= 0.7:
        candidates.append((text * place / TEXT_WITH_PLACE, "same_place"))
    if place is None or place >= 0.3:
        candidates.append((text / TEXT_ALONE, "similar_text"))
    if not candidates:
        return Judgement(score=round(text * 0.5, 4), reason=None, is_duplicate=False)
    strength, reason = max(candidates)
    score = round(min(1.0, strength * 0.75), 4)  # 0.75 = the threshold of each signal
    if strength >= 1.0:
        return Judgement(score=score, reason=reason, is_duplicate=True)
    return Judgement(score=score, reason=None, is_duplicate=False)


def candidate_pairs(appeals: Sequence[Appeal]) -> set[tuple[int, int]]:
    """Index pairs worth judging: same phone, same place key, or a shared rare term."""
    blocks: dict[str, list[int]] = defaultdict(list)
    doc_terms = [set(terms(a.text)) for a in appeals]
    df: dict[str, int] = defaultdict(int)
    for ts in doc_terms:
        for t in ts:
            df[t] += 1
    for i, a in enumerate(appeals):
        if phone := _phone(a.phone):
            blocks["p:" + phone].append(i)
        if a.address.strip():
            blocks["a:" + places.key(a.address)].append(i)
        rare = sorted((df[t], t) for t in doc_terms[i] if df[t] > 1)[:RARE_TERMS]
        for _, t in rare:
            blocks["t:" + t].append(i)
    out: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 1 < len(members) <= BLOCK_CAP:
            out.update(combinations(sorted(set(members)), 2))
    return out


def pairs(appeals: Sequence[Appeal]) -> list[tuple[Appeal, Appeal, Judgement]]:
    """The duplicate pairs of a batch, (a, b, judgement) with a before b in input order."""
    if len(appeals) < 2:
        return []
    x, _ = matrix([matter_text(a) for a in appeals])
    out = []
    for i, j in sorted(candidate_pairs(appeals)):
        sim = float(x[i].multiply(x[j]).sum())
        verdict = judge(appeals[i], appeals[j], text_similarity=sim)
        if verdict.is_duplicate:
            out.append((appeals[i], appeals[j], verdict))
    return out
