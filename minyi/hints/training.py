"""Training the hint models (no database writes here; ``services.model_train`` stores them).

1. the history: the latest dispatched orders (text = title + content; labels = the order's
   category and the lead department its live lead part went to), newest first, bounded;
2. labels seen fewer than ``MIN_PER_LABEL`` times are left out (nothing to learn from one case);
3. too little left (``settings.HINTS_MIN_ORDERS``) → ``NotEnoughHistory``, no model;
4. TF-IDF of words and word bigrams + multinomial logistic regression (saga) (its probabilities are
   the confidences shown), scored on a stratified held-out fifth (top-1, top-3), then fitted on
   everything for the stored model.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from minyi.core.errors import DomainError
from minyi.hints.features import analyze, order_text
from minyi.hints.models import HintKind

MIN_PER_LABEL = 3
HELDOUT_SHARE = 0.2


class NotEnoughHistory(DomainError):
    pass


@dataclass
class Router:
    """The fitted pair: texts → sparse TF-IDF → class probabilities."""

    vectorizer: object
    classifier: object

    @property
    def labels(self) -> list[int]:
        return [int(c) for c in self.classifier.classes_]

    def top(self, text: str, k: int = 3) -> list[tuple[int, float]]:
        import numpy as np  # loaded with the model (scikit-learn), not with the module

        probabilities = self.classifier.predict_proba(self.vectorizer.transform([text]))[0]
        best = np.argsort(-probabilities)[:k]
        return [(int(self.classifier.classes_[i]), float(probabilities[i])) for i in best]


@dataclass
class Trained:
    router: Router
    sample_size: int
    label_count: int
    heldout_size: int
    heldout_top1: float
    heldout_top3: float
    seconds: float


def min_orders() -> int:
    return int(getattr(settings, "HINTS_MIN_ORDERS", 200))


def history(*, limit: int | None = None) -> list[tuple[str, int | None, int]]:
    """(text, category id or None, lead department id) of the latest dispatched orders."""
    from minyi.orders.models import Assignment, AssignmentRole, AssignmentStatus

    limit = limit or int(getattr(settings, "HINTS_TRAIN_LIMIT", 50_000))
    rows = (
        Assignment.objects.filter(role=AssignmentRole.LEAD)
        .exclude(status__in=[AssignmentStatus.RETURNED, AssignmentStatus.CANCELLED])
        .order_by("-dispatched_at", "-id")
        .values_list("order__title", "order__content", "order__category_id", "department_id")
    )[:limit]
    return [(order_text(t, c), cat, dept) for t, c, cat, dept in rows]


def samples(rows, kind: str) -> tuple[list[str], list[int]]:
    column = 1 if kind == HintKind.CATEGORY else 2
    pairs = [(row[0], row[column]) for row in rows if row[column] is not None]
    counts = Counter(label for _, label in pairs)
    kept = [(text, label) for text, label in pairs if counts[label] >= MIN_PER_LABEL]
    return [t for t, _ in kept], [label for _, label in kept]


def _fit(texts, labels) -> Router:
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=analyze, sublinear_tf=True, min_df=2 if len(texts) >= 1000 else 1, dtype=np.float32
    )
    matrix = vectorizer.fit_transform(texts)
    # saga: a few passes over the sparse rows (6 s for 40,000 where lbfgs takes 20, same
    # accuracy); a pass limit reached is not an error here, the held-out figures say how good
    classifier = LogisticRegression(C=10.0, solver="saga", max_iter=50, tol=1e-3, random_state=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(matrix, labels)
    return Router(vectorizer, classifier)


def _top_hits(router: Router, texts, labels) -> tuple[float, float]:
    import numpy as np

    if not texts:
        return 0.0, 0.0
    probabilities = router.classifier.predict_proba(router.vectorizer.transform(texts))
    order = np.argsort(-probabilities, axis=1)[:, :3]
    classes = router.classifier.classes_
    top1 = top3 = 0
    for row, label in zip(order, labels, strict=True):
        ranked = [int(classes[i]) for i in row]
        top1 += ranked[0] == label
        top3 += label in ranked
    return top1 / len(labels), top3 / len(labels)


def train(texts: list[str], labels: list[int]) -> Trained:
    """Score on a held-out fifth, then fit on all. Raises ``NotEnoughHistory``."""
    from sklearn.model_selection import train_test_split

    needed = min_orders()
    if len(texts) < needed or len(set(labels)) < 2:
        raise NotEnoughHistory(
            f"已派单的历史工单不足 {needed} 件（现有可用 {len(texts)} 件、"
            f"{len(set(labels))} 个类别），暂不提供派单提示。"
        )
    started = time.monotonic()
    try:
        fit_texts, held_texts, fit_labels, held_labels = train_test_split(
            texts, labels, test_size=HELDOUT_SHARE, random_state=12, stratify=labels
        )
    except ValueError:  # more labels than the held-out fifth has rows: split without strata
        fit_texts, held_texts, fit_labels, held_labels = train_test_split(
            texts, labels, test_size=HELDOUT_SHARE, random_state=12
        )
    top1, top3 = _top_hits(_fit(fit_texts, fit_labels), held_texts, held_labels)
    router = _fit(texts, labels)
    return Trained(
        router=router,
        sample_size=len(texts),
        label_count=len(set(labels)),
        heldout_size=len(held_texts),
        heldout_top1=top1,
        heldout_top3=top3,
        seconds=time.monotonic() - started,
    )
