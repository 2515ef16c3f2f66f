"""The keys the duplicate index stores: a place key from an address, term hashes from a text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from minyi.textmine import places, segment

# Terms kept per order: the index stays a few rows per order; a longer text keeps its longest
# (most specific) words.
MAX_TERMS = 16
# An address shorter than this once normalised ("小区", "路口") names no place.
MIN_PLACE_CHARS = 3
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
# "附近", "门口", "对面" … say where around the place, not which place
_AROUND = re.compile(r"(附近|旁边|门口|对面|周边|一带|路段|处)$")


def place_key(address: str) -> str:
    """The place an address names, as a key: the text engine's most specific named place (the
    village, road or estate: ``textmine.places.key``), full-width folded, spaces and punctuation
    dropped, a trailing "附近/门口…" cut; "" when too short to name a place. Hashed so the key
    has a fixed size."""
    if not (address or "").strip():
        return ""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", places.key(address) or "")).lower()
    text = _AROUND.sub("", text)
    if len(text) < MIN_PLACE_CHARS:
        return ""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def term_hash(term: str) -> int:
    """A signed 63-bit hash (a BigInteger column on SQLite and PostgreSQL alike)."""
    value = int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "big")
    return value >> 1 if value < (1 << 63) else -(value >> 1)


def terms_of(text: str, limit: int = MAX_TERMS) -> list[str]:
    """The distinct content words of ``text``, the longest first when there are too many."""
    words = list(dict.fromkeys(t for t in segment.terms(text or "") if len(t) > 1))
    if len(words) > limit:
        words = sorted(words, key=len, reverse=True)[:limit]
    return words


def term_hashes(text: str, limit: int = MAX_TERMS) -> list[int]:
    return [term_hash(t) for t in terms_of(text, limit)]
