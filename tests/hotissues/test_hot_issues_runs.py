"""The grouping is stored (TopicRun) per selection and data version: a second view reads it,
a selection too big for the request is computed in the background while the page polls, a
failed run says so, and the audiences never share a run."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from minyi.accounts.models import Role
from minyi.core import clock
from minyi.hotissues import services
from minyi.hotissues.models import RunState, TopicRun
from minyi.hotissues.tasks import topic_run_task
from tests.factories import UserFactory, at, make_order
from tests.logins import sign_in

pytestmark = pytest.mark.django_db

NOVEMBER = "/work/hot/?month=2026-11"
TEXTS = [
    ("幸福小区路灯不亮", "幸福小区三栋门口的路灯坏了一个多月，晚上漆黑一片，老人出门很不方便。"),
    ("小区路灯坏了没人修", "幸福小区北门路灯不亮，晚上回家看不清路，请尽快维修路灯。"),
]


@pytest.fixture
def liaison(client):
    return sign_in(client, UserFactory(role=Role.LIAISON))


@pytest.fixture
def orders(db):
    return [
        make_order("accepted", at=at(2026, 11, 2 + i, 10), title=t, content=c)
        for i, (t, c) in enumerate(TEXTS)
    ]


def test_a_second_view_reads_the_stored_run(liaison, orders):
    liaison.get(NOVEMBER)
    with mock.patch.object(services, "_compute") as compute:
        response = liaison.get(NOVEMBER)
    compute.assert_not_called()
    assert TopicRun.objects.count() == 1
    assert "计算于" in response.content.decode()


def test_new_data_makes_a_new_run_once_the_last_is_no_longer_fresh(liaison, orders):
    liaison.get(NOVEMBER)
    make_order("accepted", at=at(2026, 11, 9, 10), title=TEXTS[0][0], content=TEXTS[0][1])
    later = clock.now() + services.FRESH + timedelta(seconds=1)
    with clock.frozen(later):
        response = liaison.get(NOVEMBER)
    assert TopicRun.objects.count() == 2
    assert "本期诉求 3 件" in response.content.decode()
    # unchanged data: the same run, however late
    with clock.frozen(later + timedelta(hours=1)):
        liaison.get(NOVEMBER)
    assert TopicRun.objects.count() == 2


@override_settings(HOTISSUES_INLINE_MAX=1)
def test_a_big_selection_is_computed_in_the_background_while_the_page_polls(
    liaison, orders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = liaison.get(NOVEMBER)
    run = TopicRun.objects.get()
    assert queued() == [run.pk]
    html = response.content.decode()
    assert run.state == RunState.PENDING
    assert "计算中" in html and f'hx-get="/work/hot/runs/{run.pk}/"' in html
    assert "every 3s" in html

    still = liaison.get(f"/work/hot/runs/{run.pk}/")
    assert still.status_code == 200 and "计算中" in still.content.decode()

    topic_run_task.call(run.pk)  # the worker
    done = liaison.get(f"/work/hot/runs/{run.pk}/")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    assert "幸福小区" in liaison.get(NOVEMBER).content.decode()


def test_running_a_finished_run_again_changes_nothing(orders):
    selection_run, _ = services.topic_run_for(selection=_november(), role=Role.LIAISON)
    before = TopicRun.objects.get().result
    with mock.patch.object(services, "_compute") as compute:
        services.topic_run_compute(run_id=selection_run.pk)
    compute.assert_not_called()
    assert TopicRun.objects.get().result == before


def test_a_failed_run_says_so_on_the_page(liaison, orders):
    with mock.patch.object(services, "_compute", side_effect=ValueError("boom")):
        response = liaison.get(NOVEMBER)
    assert response.status_code == 200
    assert "热点分组计算失败" in response.content.decode()
    assert TopicRun.objects.get().state == RunState.FAILED


def test_the_dispatcher_and_the_liaison_officer_never_share_a_run(client, liaison, orders):
    liaison.get(NOVEMBER)
    sign_in(client, UserFactory(role=Role.DISPATCHER))
    client.get(NOVEMBER)
    roles = sorted(run.params["role"] for run in TopicRun.objects.all())
    assert roles == [Role.DISPATCHER, Role.LIAISON]
    liaison_run = TopicRun.objects.get(params__role=Role.LIAISON)
    assert client.get(f"/work/hot/runs/{liaison_run.pk}/").status_code == 404


@override_settings(HOTISSUES_INLINE_MAX=1)
def test_a_pending_run_lost_by_its_worker_is_queued_again(
    orders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_run_for(selection=_november(), role=Role.LIAISON)
    with clock.frozen(clock.now() + services.STUCK + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            services.topic_run_for(selection=_november(), role=Role.LIAISON)
    run = TopicRun.objects.get()
    assert queued() == [run.pk, run.pk]
    assert TopicRun.objects.count() == 1


def queued() -> list[int]:
    found = DBTaskResult.objects.filter(task_path="minyi.hotissues.tasks.topic_run_task")
    return [task.args_kwargs["args"][0] for task in found.order_by("enqueued_at")]


def _november():
    from minyi.ledger import stats

    return stats.Selection(channel=stats.ALL_CHANNELS).with_period(
        stats.Period.month(at(2026, 11, 1).date()), month=True
    )


def test_old_runs_are_pruned_as_new_ones_are_made(liaison, orders):
    liaison.get(NOVEMBER)
    first = TopicRun.objects.get()
    for step in (1, 2):
        make_order("accepted", at=at(2026, 11, 9 + step, 10), title=TEXTS[0][0], content="路灯")
        with clock.frozen(clock.now() + step * (services.FRESH + timedelta(seconds=1))):
            liaison.get(NOVEMBER)
    # the newest and the one shown while it was computed (both finished here)
    assert TopicRun.objects.count() == 2 and not TopicRun.objects.filter(pk=first.pk).exists()
    # a week later, any other selection's new run clears the old ones
    with clock.frozen(clock.now() + services.KEEP + timedelta(days=1)):
        liaison.get("/work/hot/?month=2026-10")
    assert TopicRun.objects.count() == 1
