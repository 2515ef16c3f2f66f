"""After commit, each new message is queued for the worker; the task sends it."""

import pytest
from django_tasks_db.models import DBTaskResult

from minyi.notify.models import OutboxMessage
from minyi.notify.tasks import outbox_send_task, outbox_sweep_task
from tests.factories import make_order


@pytest.mark.django_db(transaction=True)
def test_a_committed_action_queues_one_send_task_per_message(deputy, olivia, sms_file):
    order = make_order("accepted", channel="deputy_call", deputy=deputy, operator=olivia)
    ids = sorted(OutboxMessage.objects.filter(order=order).values_list("id", flat=True))
    assert len(ids) == 2
    queued = DBTaskResult.objects.filter(task_path="minyi.notify.tasks.outbox_send_task")
    assert sorted(task.args_kwargs["args"][0] for task in queued) == ids
    for pk in ids:
        assert outbox_send_task.call(pk) == "sent"
    assert len(sms_file.read_text().splitlines()) == 2


@pytest.mark.django_db
def test_nothing_is_queued_before_the_action_commits(olivia):
    make_order("accepted", operator=olivia)  # the test's transaction never commits
    assert OutboxMessage.objects.count() == 1
    assert not DBTaskResult.objects.filter(task_path__startswith="minyi.notify").exists()
    assert "'sent': 1" in outbox_sweep_task.call()  # the sweep sends it (console backend)
    assert OutboxMessage.objects.get().status == "sent"
