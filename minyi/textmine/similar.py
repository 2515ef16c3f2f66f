"""Similarity helpers: sparse TF-IDF vectors of words and character bigrams.

Two uses:
- a batch (``matrix(texts)``): one L2-normalised row per text, IDF fitted on the batch; used by
  topics and duplicate pairs;
- one text against another without a corpus (``vector`` / ``cosine``): "is this new order like
  that clue?" Vectors are plain dicts so they can be stored (JSON) and compared cheaply;
  ``centroid(vectors)`` makes a clue's profile from its linked orders.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from minyi.textmine.segment import content_words, terms

_HAN = re.compile(r"[^\u4e00-\u9fff]+")
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 0.6


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams inside each content word as written (stopwords and
    punctuation dropped), so a word rjieba cut differently ("灯不亮" / "路灯") still meets."""
    out = []
    for raw, _ in content_words(text):
        for run in _HAN.split(raw):
            out.extend(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def features(text: str) -> Counter:
    """Weighted features of one text: its terms (``w:``) and character grams (``c:``)."""
    counts: Counter = Counter()
    for term in terms(text):
        counts["w:" + term] += WORD_WEIGHT
    for gram in char_grams(text):
        counts["c:" + gram] += CHAR_WEIGHT
    return counts


def vector(text: str) -> dict[str, float]:
    """A corpus-free vector of ``text``: sublinear term frequencies, L2-normalised."""
    raw = {k: (1.0 + math.log(v)) if v >= 1 else v for k, v in features(text).items()}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    return {k: v / norm for k, v in raw.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two ``vector`` results (both normalised: a dot product)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def centroid(vectors: Iterable[dict[str, float]]) -> dict[str, float]:
    """The normalised mean of several vectors (a clue's profile from its orders)."""
    total: Counter = Counter()
    for vec in vectors:
        total.update(vec)
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    return {k: v / norm for k, v in total.items()}


def _word_analyzer(text: str) -> list[str]:
    return terms(text)


def matrix(texts: Sequence[str], *, min_df: int = 1, max_features: int | None = None):
    """TF-IDF rows (CSR, L2-normalised) of words and character bigrams, fitted on ``texts``.

    Returns ``(X, word_vocabulary)``; ``word_vocabulary`` maps the word columns (the first
    block of X) to their words, for key terms."""
    words = TfidfVectorizer(
        analyzer=_word_analyzer, sublinear_tf=True, min_df=min_df, max_features=max_features
    )
    chars = TfidfVectorizer(
        analyzer=char_grams, sublinear_tf=True, min_df=min_df, max_features=max_features
    )
    try:
        xw = words.fit_transform(texts)
        vocab = words.get_feature_names_out()
    except ValueError:  # empty vocabulary: texts with no words at all
        xw, vocab = sparse.csr_matrix((len(texts), 0)), np.array([], dtype=object)
    try:
        xc = chars.fit_transform(texts)
    except ValueError:
        xc = sparse.csr_matrix((len(texts), 0))
    x = sparse.hstack([xw * WORD_WEIGHT, xc * CHAR_WEIGHT], format="csr")
    if x.shape[1] == 0:
        return x, list(vocab)
    return normalize(x), list(vocab)
