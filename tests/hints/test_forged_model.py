"""Review: an unsigned model row is never unpickled (fails closed)."""

from __future__ import annotations

import io
import pickle

import joblib
import pytest

from minyi.core import clock
from minyi.hints import store
from minyi.hints.models import HintModel

pytestmark = pytest.mark.django_db

HIT: list[str] = []


class Boom:
    def __reduce__(self):
        return (HIT.append, ("unpickled",))


@pytest.mark.parametrize("signature", ["", "0" * 64, "x"])
@pytest.mark.parametrize("how", ["pickle", "joblib"])
def test_a_forged_row_is_not_unpickled(signature, how):
    if how == "pickle":
        payload = pickle.dumps(Boom())
    else:
        buffer = io.BytesIO()
        joblib.dump(Boom(), buffer)
        payload = buffer.getvalue()
    store.forget()
    HintModel.objects.create(
        kind="category",
        version=1,
        trained_at=clock.now(),
        sample_size=1,
        label_count=1,
        heldout_size=0,
        heldout_top1=0,
        heldout_top3=0,
        payload=payload,
        signature=signature,
    )
    assert store.latest("category") is None
    assert HIT == []
