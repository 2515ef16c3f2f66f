"""The hints' writes: train and store a model (``model_train`` then ``model_store``, the
scheduler's job and ``manage.py hints_train``), and record what became of a hint
(``outcome_record``, one insert, called where the category is set and where the order is
dispatched)."""

from __future__ import annotations

import logging

from django.db import transaction

from minyi.core import clock
from minyi.hints import store, training
from minyi.hints.models import HintKind, HintModel, HintOutcome

log = logging.getLogger(__name__)


def model_train(*, kind: str, rows=None, actor=None) -> HintModel:
    """Train a model of ``kind`` on the history (or ``rows``: (text, category, department)) and
    store it as the next version. Raises ``NotEnoughHistory`` (nothing stored) with too little.
    The fitting (seconds to a minute) runs outside any transaction; only the insert is one."""
    if kind not in HintKind.values:
        raise ValueError(kind)
    rows = training.history() if rows is None else rows
    texts, labels = training.samples(rows, kind)
    trained = training.train(texts, labels)
    return model_store(kind=kind, trained=trained, actor=actor)


@transaction.atomic
def model_store(*, kind: str, trained: training.Trained, actor=None) -> HintModel:
    """Store a trained model as the next version of ``kind`` (signed bytes)."""
    payload = store.dump(trained.router)
    # the version: one more than the last, under the table's unique (kind, version)
    last = (
        HintModel.objects.select_for_update()
        .filter(kind=kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    model = HintModel.objects.create(
        kind=kind,
        version=(last or 0) + 1,
        trained_at=clock.now(),
        trained_by=actor,
        sample_size=trained.sample_size,
        label_count=trained.label_count,
        heldout_size=trained.heldout_size,
        heldout_top1=trained.heldout_top1,
        heldout_top3=trained.heldout_top3,
        seconds=round(trained.seconds, 2),
        payload=payload,
        signature=store.sign(payload),
    )
    transaction.on_commit(store.forget)  # this process sees the new version at once
    return model


def models_train(*, actor=None) -> dict[str, HintModel | str]:
    """Both kinds from one read of the history: kind → the new model, or why there is none."""
    rows = training.history()
    done: dict[str, HintModel | str] = {}
    for kind in HintKind.values:
        try:
            done[kind] = model_train(kind=kind, rows=rows, actor=actor)
        except training.NotEnoughHistory as error:
            done[kind] = error.message
    return done


@transaction.atomic
def outcome_record(*, order, kind: str, chosen_id: int | None, actor=None) -> HintOutcome | None:
    """What the person chose against what the hint offered for this order's text, now. Nothing
    is recorded without a choice or a model (no hint was offered). A hint that fails must not
    stop the dispatch it rides on: the failure is logged, the decision stands."""
    from minyi.hints.selectors import suggest

    if chosen_id is None:
        return None
    try:
        hint = suggest(kind=kind, text=f"{order.title}\n{order.content}")
    except Exception:
        log.exception("hint for order %s failed", order.pk)
        return None
    if hint.version is None:
        return None
    ranked = [item.id for item in hint.items]
    return HintOutcome.objects.create(
        order=order,
        kind=kind,
        suggested=[[item.id, round(item.confidence, 4)] for item in hint.items],
        chosen=chosen_id,
        rank=ranked.index(chosen_id) + 1 if chosen_id in ranked else None,
        model_version=hint.version,
        actor=actor,
        at=clock.now(),
    )
