"""Training the routing hints: too little history gives no model (and the hint says so); a
model suggests the top three with confidences; it is stored signed and loaded once per version;
the scheduler retrains it daily."""

from __future__ import annotations

import pytest

from minyi.hints import selectors, store
from minyi.hints.models import HintKind, HintModel
from minyi.hints.services import model_train, models_train
from minyi.hints.tasks import hints_train_task
from minyi.hints.training import NotEnoughHistory
from tests.factories import hint_text, make_order
from tests.scheduler_jobs import scheduler_jobs

pytestmark = pytest.mark.django_db

STALLS = "商户在人行道摆摊，流动摊贩占道经营，傍晚影响通行。"


def test_with_too_little_history_no_model_is_trained_and_the_hint_says_so(world):
    with pytest.raises(NotEnoughHistory, match="不足 200 件"):
        model_train(kind=HintKind.DEPARTMENT, rows=world["rows"][:50])

    assert not HintModel.objects.exists()
    hint = selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)
    assert hint.items == [] and hint.version is None
    assert "不足 200 件" in hint.message


def test_a_trained_model_suggests_the_top_three_with_their_confidences(trained):
    hint = selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)

    assert [item.name for item in hint.items][0] == "市城市管理和综合执法局"
    assert len(hint.items) == 3
    confidences = [item.confidence for item in hint.items]
    assert confidences == sorted(confidences, reverse=True)
    assert confidences[0] > 0.5 and sum(confidences) <= 1.0001
    category = selectors.suggest(kind=HintKind.CATEGORY, text=hint_text("住建", 999))
    assert category.items[0].name == "住房物业"


def test_the_model_row_keeps_its_sample_and_held_out_accuracy(trained):
    model = HintModel.objects.get(kind=HintKind.DEPARTMENT)

    assert model.version == 1 and model.sample_size == 240 and model.label_count == 3
    assert model.heldout_size == 48
    assert 0.9 <= model.heldout_top1 <= model.heldout_top3 == 1.0


def test_a_retired_department_is_not_suggested(trained):
    trained["depts"]["城管"].is_active = False
    trained["depts"]["城管"].save()

    hint = selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)

    assert "市城市管理和综合执法局" not in [item.name for item in hint.items]
    assert len(hint.items) == 2


def test_a_model_whose_stored_bytes_were_changed_is_never_unpickled(trained):
    HintModel.objects.filter(kind=HintKind.DEPARTMENT).update(signature="0" * 64)

    hint = selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)

    assert hint.items == [] and hint.version is None


def test_the_model_is_loaded_once_per_process_and_again_for_a_new_version(trained, monkeypatch):
    loads = []
    real = store._load
    monkeypatch.setattr(store, "_load", lambda *a: loads.append(1) or real(*a))

    for _ in range(3):
        selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)
    assert len(loads) == 1
    model_train(kind=HintKind.DEPARTMENT, rows=trained["rows"])
    assert selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS).version == 2
    assert len(loads) == 2


def test_training_reads_the_dispatched_history(settings, dan, dept_a, dept_b):
    settings.HINTS_MIN_ORDERS = 6
    for n in range(4):
        make_order(
            "dispatched", lead=dept_a, dispatcher=dan, title="占道", content=hint_text("城管", n)
        )
        make_order(
            "dispatched", lead=dept_b, dispatcher=dan, title="漏水", content=hint_text("住建", n)
        )
    make_order("accepted", title="未派单", content="不在历史里")

    done = models_train()

    model = done[HintKind.DEPARTMENT]
    assert model.sample_size == 8 and model.label_count == 2
    assert "不足 6 件" in done[HintKind.CATEGORY]  # these orders have no category


def test_the_scheduler_retrains_the_models_daily(monkeypatch):
    assert scheduler_jobs(monkeypatch)["hints_train"] == 24 * 3600


def test_the_retrain_task_says_why_there_is_no_model(db):
    result = hints_train_task.call()

    assert "category" in result and "不足" in result
    assert not HintModel.objects.exists()


def test_within_the_recheck_period_a_hint_runs_no_query(
    trained, settings, django_assert_num_queries
):
    settings.HINTS_RECHECK_SECONDS = 60
    selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)  # loads the model and the names

    with django_assert_num_queries(0):
        hint = selectors.suggest(kind=HintKind.DEPARTMENT, text=STALLS)

    assert hint.items[0].name == "市城市管理和综合执法局"


def test_the_command_trains_both_and_prints_the_figures(settings, dan, dept_a, dept_b):
    from io import StringIO

    from django.core.management import call_command

    settings.HINTS_MIN_ORDERS = 6
    for n in range(4):
        make_order("dispatched", lead=dept_a, dispatcher=dan, content=hint_text("城管", n))
        make_order("dispatched", lead=dept_b, dispatcher=dan, content=hint_text("住建", n))
    out = StringIO()
    call_command("hints_train", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("category: 已派单的历史工单不足 6 件")
    assert lines[1].startswith("department: v1，样本 8，类别 2，留出集首选 ")
