"""Topic grouping: TF-IDF (words + character bigrams) and cosine similarity.

1. Vectorise the texts (``similar.matrix``).
2. Up to ``DIRECT_LIMIT`` texts: average-linkage agglomerative clustering on cosine distance,
   cut at ``DISTANCE``.
   Above it (two stages, never a dense n×n): MiniBatchKMeans into many small clusters, then
   the same agglomerative step on their centroids; each text takes its centroid's topic.
3. Topics smaller than ``min_size`` become -1; the others are numbered 0.. largest first, each
   with key terms (the heaviest words of its centroid) and a representative text (the one
   closest to the centroid).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans
from sklearn.preprocessing import normalize

from minyi.textmine.similar import matrix

DISTANCE = 0.86  # cosine distance at which two groups stop merging (tuned on the labelled set)
DIRECT_LIMIT = 4000
KEY_TERMS = 6


@dataclass(frozen=True)
class Topic:
    id: int
    size: int
    key_terms: list[str]
    representative: int  # index into the texts


@dataclass
class Grouping:
    labels: list[int]
    topics: list[Topic] = field(default_factory=list)


def _agglomerate(x, distance: float) -> np.ndarray:
    if x.shape[0] == 1:
        return np.zeros(1, dtype=int)
    dense = x.toarray() if sparse.issparse(x) else np.asarray(x)
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    )
    return model.fit_predict(dense)


def _raw_labels(x, distance: float) -> np.ndarray:
    n = x.shape[0]
    if n <= DIRECT_LIMIT:
        return _agglomerate(x, distance)
    k = min(max(DIRECT_LIMIT // 2, n // 40), 3000)
    km = MiniBatchKMeans(n_clusters=k, batch_size=4096, n_init=1, random_state=0, max_iter=30)
    micro = km.fit_predict(x)
    centres = normalize(km.cluster_centers_)
    merged = _agglomerate(centres, distance)
    return merged[micro]


def group(texts: Sequence[str], *, min_size: int = 2, distance: float = DISTANCE) -> Grouping:
    """Group ``texts`` into topics (see the module docstring)."""
    n = len(texts)
    if n == 0:
        return Grouping(labels=[])
    x, vocab = matrix(texts)
    if x.shape[1] == 0:
        return Grouping(labels=[-1] * n)
    raw = _raw_labels(x, distance)
    ids, counts = np.unique(raw, return_counts=True)
    order = sorted((c, i) for i, c in zip(ids, counts, strict=True) if c >= min_size)
    order.reverse()
    renumber = {int(raw_id): new for new, (_, raw_id) in enumerate(order)}
    labels = [renumber.get(int(r), -1) for r in raw]
    n_words = len(vocab)
    topics = []
    label_arr = np.asarray(labels)
    for new, (size, _raw_id) in enumerate(order):
        rows = np.flatnonzero(label_arr == new)
        sub = x[rows]
        centre = np.asarray(sub.mean(axis=0)).ravel()
        word_part = centre[:n_words]
        top = np.argsort(word_part)[::-1][:KEY_TERMS]
        key_terms = [vocab[i] for i in top if word_part[i] > 0]
        rep = int(rows[int(np.argmax(sub @ centre))])
        topics.append(Topic(id=new, size=int(size), key_terms=key_terms, representative=rep))
    return Grouping(labels=labels, topics=topics)
