"""Topic grouping: TF-IDF (words + character grams) and average-linkage clustering on cosine.

1. Vectorise the texts (``similar.matrix``; rows L2-normalised).
2. Up to ``DIRECT_LIMIT`` texts each text starts as its own group. Above it (never a dense
   n×n matrix): MiniBatchKMeans on a TruncatedSVD projection cuts the texts into
   ``micro`` groups first.
3. Average linkage over the groups (``_average_linkage``): the mean cosine between the members
   of two groups equals the dot product of their mean vectors, so merging micro groups keeps
   exactly the meaning of merging texts. Merging stops when the closest groups are further
   apart than ``DISTANCE`` (mean cosine below 1 - DISTANCE).
4. Topics smaller than ``min_size`` become -1; the others are numbered 0.. largest first, each
   with key terms (the heaviest words of its centroid) and a representative text (the one
   closest to the centroid).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD

from minyi.textmine.similar import matrix

DISTANCE = 0.85  # mean cosine distance at which two groups stop merging (tuned, tuning part)
DIRECT_LIMIT = 3000
SVD_COMPONENTS = 64
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


def _average_linkage(sims: np.ndarray, sizes: np.ndarray, threshold: float) -> np.ndarray:
    """Merge groups (weighted average linkage, UPGMA) while the best mean similarity is at
    least ``threshold``; the final group of each starting group."""
    k = sims.shape[0]
    s = sims.astype(np.float32, copy=True)
    np.fill_diagonal(s, -np.inf)
    size = sizes.astype(np.float64, copy=True)
    parent = np.arange(k)
    alive = np.ones(k, dtype=bool)
    best = s.max(axis=1) if k > 1 else np.full(k, -np.inf)
    best_at = s.argmax(axis=1) if k > 1 else np.zeros(k, dtype=int)
    while k > 1:
        i = int(np.argmax(best))
        if best[i] < threshold:
            break
        j = int(best_at[i])
        merged = (size[i] * s[i] + size[j] * s[j]) / (size[i] + size[j])
        s[i], s[:, i] = merged, merged
        s[i, i] = -np.inf
        s[j, :], s[:, j] = -np.inf, -np.inf
        size[i] += size[j]
        alive[j] = False
        parent[j] = i
        best[j] = -np.inf
        # rows that pointed at i or j look again; others may now prefer i
        stale = np.flatnonzero(alive & ((best_at == i) | (best_at == j)))
        stale = stale[stale != i]
        if stale.size:
            best[stale] = s[stale].max(axis=1)
            best_at[stale] = s[stale].argmax(axis=1)
        better = alive & (s[:, i] > best)
        best[better], best_at[better] = s[better, i], i
        best[i], best_at[i] = s[i].max(), int(s[i].argmax())
    # follow the parents to the surviving group
    root = parent.copy()
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def _micro_groups(x, n: int) -> np.ndarray:
    k = int(min(max(DIRECT_LIMIT // 2, n // 60), 2500))
    dims = min(SVD_COMPONENTS, x.shape[1] - 1)
    reduced = TruncatedSVD(dims, algorithm="randomized", n_iter=2, random_state=0).fit_transform(x)
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True) + 1e-9
    km = MiniBatchKMeans(
        n_clusters=k,
        init="random",
        init_size=min(n, 3 * k),
        batch_size=8192,
        n_init=1,
        max_iter=5,
        max_no_improvement=3,
        random_state=0,
    )
    return km.fit_predict(reduced.astype(np.float32))


def _raw_labels(x, distance: float) -> np.ndarray:
    n = x.shape[0]
    if n == 1:
        return np.zeros(1, dtype=int)
    micro = np.arange(n) if n <= DIRECT_LIMIT else _micro_groups(x, n)
    k = int(micro.max()) + 1
    members = sparse.csr_matrix((np.ones(n, dtype=np.float32), (micro, np.arange(n))), shape=(k, n))
    sizes = np.asarray(members.sum(axis=1)).ravel()
    sizes[sizes == 0] = 1
    means = sparse.diags(1.0 / sizes) @ (members @ x)
    sims = (means @ means.T).toarray()
    # a micro group's similarity with itself is not used; a text's with itself never is
    final = _average_linkage(sims, sizes, 1.0 - distance)
    return final[micro]


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
    order = sorted(
        ((int(c), int(i)) for i, c in zip(ids, counts, strict=True) if c >= min_size),
        key=lambda pair: (-pair[0], pair[1]),
    )
    renumber = {raw_id: new for new, (_, raw_id) in enumerate(order)}
    label_arr = np.fromiter((renumber.get(int(r), -1) for r in raw), dtype=int, count=n)
    n_words = len(vocab)
    topics = []
    sort = np.argsort(label_arr, kind="stable")
    bounds = np.searchsorted(label_arr[sort], np.arange(len(order) + 1))
    for new, (size, _raw_id) in enumerate(order):
        rows = sort[bounds[new] : bounds[new + 1]]
        sub = x[rows]
        centre = np.asarray(sub.mean(axis=0)).ravel()
        word_part = centre[:n_words]
        top = (
            np.argpartition(word_part, -KEY_TERMS)[-KEY_TERMS:]
            if n_words > KEY_TERMS
            else np.arange(n_words)
        )
        top = top[np.argsort(word_part[top])[::-1]]
        key_terms = [vocab[i] for i in top if word_part[i] > 0]
        rep = int(rows[int(np.argmax(sub @ centre))])
        topics.append(Topic(id=new, size=size, key_terms=key_terms, representative=rep))
    return Grouping(labels=label_arr.tolist(), topics=topics)
