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

from minyi.textmine.lexicon import concepts
from minyi.textmine.segment import content_words

_HAN = re.compile(r"[^\u4e00-\u9fff]+")
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 0.6
CONCEPT_WEIGHT = 1.5
FREE_WORD_WEIGHT = 1.0
FREE_CHAR_WEIGHT = 0.3
FREE_CONCEPT_WEIGHT = 3.0


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams inside each content word as written (stopwords and
    punctuation dropped), so a word rjieba cut differently ("灯不亮" / "路灯") still meets."""
    out = []
    for raw, _ in content_words(text):
        for run in _HAN.split(raw):
            out.extend(run)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def features(text: str) -> dict[str, float]:
    """Weighted features of one text without a corpus: its terms (``w:``), character grams
    (``c:``) and concepts (``k:``), each sublinear in its count. With no IDF to tell rare from
    common, characters weigh little and concepts much (``FREE_*``, set so that ``cosine`` of two
    texts reads on the scale of the batch TF-IDF cosine the duplicate thresholds use)."""
    words, grams, named = _tokens(text)
    out: dict[str, float] = {}
    for prefix, tokens, weight in (
        ("w:", words, FREE_WORD_WEIGHT),
        ("c:", grams, FREE_CHAR_WEIGHT),
        ("k:", named, FREE_CONCEPT_WEIGHT),
    ):
        for token, count in Counter(tokens).items():
            out[prefix + token] = weight * (1.0 + math.log(count))
    return out


def vector(text: str) -> dict[str, float]:
    """A corpus-free vector of ``text`` (``features``), L2-normalised."""
    raw = features(text)
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


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _tokens(text: str, *, general: bool = True) -> tuple[list[str], list[str], list[str]]:
    """(terms, character grams, concepts) of one text from one segmentation (the hot path of
    grouping 100,000 texts: no regex per word here). The batch ``matrix`` (topics) uses the
    core concepts only (``lexicon.concepts(general=False)``)."""
    pairs = content_words(text)
    raws = [raw for raw, _ in pairs]
    grams = list("".join(raws))
    grams.extend(w[i : i + 2] for w in raws if len(w) > 1 for i in range(len(w) - 1))
    return [norm for _, norm in pairs], grams, concepts(text, general=general)


def matrix(texts: Sequence[str], *, min_df: int = 1, max_features: int | None = None):
    """TF-IDF rows (CSR, L2-normalised) of words and character grams, fitted on ``texts``.

    Returns ``(X, word_vocabulary)``; ``word_vocabulary`` maps the word columns (the first
    block of X) to their words, for key terms. Each text is segmented once."""
    # scikit-learn, scipy and numpy load here, not with the module: every process that loads
    # the URLs (a manage.py command's checks, the worker) imports this module, few group texts
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    tokens = [_tokens(t, general=False) for t in texts]
    blocks = []
    vocab: list[str] = []
    for index, weight in ((0, WORD_WEIGHT), (1, CHAR_WEIGHT), (2, CONCEPT_WEIGHT)):
        vectorizer = TfidfVectorizer(
            analyzer=_identity,
            sublinear_tf=True,
            min_df=min_df,
            max_features=max_features,
            dtype=np.float32,
        )
        try:
            block = vectorizer.fit_transform([t[index] for t in tokens]) * weight
            if index == 0:
                vocab = list(vectorizer.get_feature_names_out())
        except ValueError:  # empty vocabulary: texts with no words at all
            block = sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        blocks.append(block)
    x = sparse.hstack(blocks, format="csr")
    if x.shape[1] == 0:
        return x, vocab
    return normalize(x), vocab
