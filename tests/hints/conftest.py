"""Three departments and three categories with a history of appeals each, and models trained
on it (synthetic rows, so no order has to be walked through dispatch)."""

from __future__ import annotations

import pytest

from minyi.hints import store
from minyi.hints.models import HintKind
from minyi.hints.services import model_train
from tests.factories import CategoryFactory, DepartmentFactory, hint_rows


@pytest.fixture(autouse=True)
def _empty_model_cache(settings):
    settings.HINTS_RECHECK_SECONDS = 0  # every hint looks for a newer model and for the names
    store.forget()
    yield
    store.forget()


@pytest.fixture
def world(db, dept_a, dept_b):
    traffic = DepartmentFactory(name="市交通运输局", short_name="交通局")
    cats = {
        "城管": CategoryFactory(name="市容环境"),
        "住建": CategoryFactory(name="住房物业"),
        "交通": CategoryFactory(name="交通出行"),
    }
    depts = {"城管": dept_a, "住建": dept_b, "交通": traffic}
    labels = {m: (cats[m].pk, depts[m].pk) for m in cats}
    return {"cats": cats, "depts": depts, "rows": hint_rows(labels)}


@pytest.fixture
def trained(world):
    for kind in HintKind.values:
        model_train(kind=kind, rows=world["rows"])
    return world
