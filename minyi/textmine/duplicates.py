"""Duplicate appeals: is B the same matter as A?

Signals (``features``): the corpus-free text cosine of the matter texts (words, character
bigrams, hotline concepts), the same phone, three place similarities (the unit-name match of
``places.similarity`` and the character-bigram containment / Dice of the generic address cores
of ``places.overlap``), the gap in days and whether both texts name the same kind of matter.
A small logistic model combines them (``WEIGHTS``; fitted on the tuning part of bench/textset,
feature set and threshold chosen by cross-validation across topics). ``reason`` names the
strongest plain signal of a duplicate: "same_phone", else "same_place", else "similar_text".

``pairs(appeals)`` finds the duplicate pairs of a batch without comparing all n² pairs:
candidates share a phone, a place key, or one of their rarer terms.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from minyi.textmine import places
from minyi.textmine.lexicon import concepts
from minyi.textmine.segment import terms
from minyi.textmine.similar import cosine, vector

REASON_LABELS = {"same_phone": "同一来电号码", "same_place": "同一地点", "similar_text": "内容相似"}

MAX_GAP_DAYS = 30  # further apart than this: never one matter
UNKNOWN_GAP = 15  # days assumed when a date is missing
TEXT_ALONE = 0.8  # text similarity that alone makes a duplicate when the places are unknown
PLACE_MIN = 0.6  # place similarity that names "same_place" as the reason
# Logistic model over ``features``: fitted (C=1) on every candidate pair of the labelled set's
# tuning part (bench/textset; unlisted candidate pairs count as negatives). The feature set and
# THRESHOLD were chosen by 7-fold cross-validation across topics (leave-topics-out): THRESHOLD
# is the one of best cross-validated F1 (P 0.976 / R 0.952 there). The held-out part was not used.
WEIGHTS = {
    "text": 1.501,
    "phone": 1.762,
    "known": 0.819,
    "place_contained": 1.354,
    "place_dice": 0.955,
    "place_units": 2.3,
    "other_place": -1.565,
    "gap": -2.282,
    "far": -1.567,
    "concepts": 2.746,
    "main_concept": 1.389,
}
INTERCEPT = -7.049
THRESHOLD = 0.4
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
    # and any other run of two or more characters of the address ("火车站涵洞", "公交站")
    address = re.sub(r"\s+", "", appeal.address or "")
    for size in range(min(len(address), 12), 1, -1):
        for start in range(len(address) - size + 1):
            piece = address[start : start + size]
            if piece in text:
                text = text.replace(piece, " ")
    return text


Profile = tuple[dict[str, float], Counter]


def profile(appeal: Appeal) -> Profile:
    """The corpus-free vector and the concept counts of the matter text."""
    text = matter_text(appeal)
    return vector(text), Counter(concepts(text))


_profile = lru_cache(maxsize=1024)(profile)  # judge/rank: the new appeal is met many times


def _concept_match(ka: Counter, kb: Counter) -> tuple[float, float]:
    """Cosine of two concept counts, and 1.0 when their main (most named) concept is one."""
    if not ka or not kb:
        return 0.0, 0.0
    dot = sum(count * kb[name] for name, count in ka.items())
    norm = math.sqrt(sum(v * v for v in ka.values())) * math.sqrt(sum(v * v for v in kb.values()))
    same_main = ka.most_common(1)[0][0] == kb.most_common(1)[0][0]
    return dot / norm, float(same_main)


def features(
    a: Appeal,
    b: Appeal,
    *,
    text_similarity: float | None = None,
    profiles: tuple[Profile, Profile] | None = None,
) -> dict[str, float]:
    """The signals of one pair, each 0..1 (see ``WEIGHTS``); ``profiles`` of a and b may be
    given (``pairs`` makes each once)."""
    (va, ka), (vb, kb) = profiles or (_profile(a), _profile(b))
    text = text_similarity if text_similarity is not None else cosine(va, vb)
    place = places.similarity(a.address, b.address)
    contained, dice = places.overlap(a.address, b.address)
    gap = abs((a.date - b.date).days) if a.date and b.date else UNKNOWN_GAP
    kcos, main = _concept_match(ka, kb)
    return {
        "text": text,
        "phone": float(bool(_phone(a.phone)) and _phone(a.phone) == _phone(b.phone)),
        "known": float(place is not None),
        "place_contained": contained,
        "place_dice": dice,
        "place_units": place or 0.0,
        # both addresses name a village/road/estate and they differ (``places.similarity`` 0)
        "other_place": float(place == 0.0),
        "gap": min(gap, MAX_GAP_DAYS) / MAX_GAP_DAYS,
        "far": float(gap > MAX_GAP_DAYS),
        "concepts": kcos,
        "main_concept": main,
    }


def judge(
    a: Appeal,
    b: Appeal,
    *,
    text_similarity: float | None = None,
    profiles: tuple[Profile, Profile] | None = None,
) -> Judgement:
    """Judge one pair: a logistic model over ``features``; ``text_similarity`` (the
    corpus-free ``similar.cosine`` of the matter texts) and ``profiles`` may be given."""
    f = features(a, b, text_similarity=text_similarity, profiles=profiles)
    z = INTERCEPT + sum(WEIGHTS[name] * value for name, value in f.items())
    score = round(1.0 / (1.0 + math.exp(-z)), 4)
    if not f["known"] and f["text"] >= TEXT_ALONE:
        score = max(score, THRESHOLD)  # nearly the same words, places unknown: one matter
    if f["far"] or score < THRESHOLD:
        return Judgement(score=score, reason=None, is_duplicate=False)
    if f["phone"]:
        reason = "same_phone"
    elif f["known"] and max(f["place_units"], f["place_contained"]) >= PLACE_MIN:
        reason = "same_place"
    else:
        reason = "similar_text"
    return Judgement(score=score, reason=reason, is_duplicate=True)


def rank(
    new: Appeal, others: Sequence[Appeal], *, limit: int = 5
) -> list[tuple[Appeal, Judgement]]:
    """The likely duplicates of ``new`` among ``others`` (the intake check: others are the
    orders a query found by phone, place or words), best first, at most ``limit``. The new
    appeal is vectorised once; each other costs one vector (about 0.3 ms)."""
    mine = profile(new)
    found = []
    for other in others:
        verdict = judge(new, other, profiles=(mine, profile(other)))
        if verdict.is_duplicate:
            found.append((other, verdict))
    found.sort(key=lambda pair: -pair[1].score)
    return found[:limit]


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
            for gram in places.bigrams(places.normalise(a.address)):
                blocks["g:" + gram].append(i)
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
    made = [profile(a) for a in appeals]
    out = []
    for i, j in sorted(candidate_pairs(appeals)):
        verdict = judge(appeals[i], appeals[j], profiles=(made[i], made[j]))
        if verdict.is_duplicate:
            out.append((appeals[i], appeals[j], verdict))
    return out
